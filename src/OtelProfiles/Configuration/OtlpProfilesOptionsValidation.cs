using System.Globalization;

namespace OtelProfiles.Configuration;

/// <summary>A value that cannot be used: which property (and header, for headers) and the message.</summary>
/// <param name="Property">The <see cref="OtlpProfilesOptions"/> property.</param>
/// <param name="Message">Names the setting the value came from, quotes the value and says what is accepted.</param>
/// <param name="Header">For a bad header, its name: only that header is dropped when it came from configuration.</param>
internal sealed record OptionProblem(string Property, string Message, string? Header = null);

/// <summary>
/// Every check of <see cref="OtlpProfilesOptions"/>, collecting all problems rather than stopping at the first, so
/// that one failed start tells the operator everything to fix. Each message names the setting the value came from
/// (environment variable, configuration key or property), the value, and what is accepted; header values are never
/// part of a message. Configuration values that fail here fall back to their defaults first
/// (<see cref="ConfigurationFallback"/>), so what is left when the options are validated was set in code.
/// </summary>
internal static class OtlpProfilesOptionsValidation
{
    private const string HeaderNameCharacters = "letters, digits and !#$%&'*+-.^_`|~";

    /// <summary>The messages of <see cref="FindProblems"/>.</summary>
    public static List<string> GetErrors(OtlpProfilesOptions options) => FindProblems(options).ConvertAll(p => p.Message);

    public static List<OptionProblem> FindProblems(OtlpProfilesOptions options)
    {
        // Nothing uses the other values while profiling is off; a bad value must not stop an app that opted out.
        if (!options.Enabled)
        {
            return [];
        }

        var problems = new List<OptionProblem>();
        var check = new Checker(options, problems);
        check.Endpoint();
        check.Defined(nameof(options.Protocol), options.Protocol, OtelValueParsers.AcceptedProtocols);
        check.Headers();
        check.Range(nameof(options.Timeout), options.Timeout, OptionLimits.MinTimeout, OptionLimits.MaxTimeout);
        check.Defined(nameof(options.Compression), options.Compression, OtelValueParsers.AcceptedCompressions);
        check.ProfileTypes();
        check.Range(
            nameof(options.SamplingFrequencyHz),
            options.SamplingFrequencyHz,
            OptionLimits.MinSamplingFrequencyHz,
            OptionLimits.MaxSamplingFrequencyHz);
        check.Range(
            nameof(options.SamplingOverheadPercent),
            options.SamplingOverheadPercent,
            OptionLimits.MinSamplingOverheadPercent,
            OptionLimits.MaxSamplingOverheadPercent);
        check.Range(nameof(options.ExportInterval), options.ExportInterval, OptionLimits.MinExportInterval, OptionLimits.MaxExportInterval);
        check.SamplerPeriod();
        check.Exporters();
        check.FileDirectory();
        check.Range(nameof(options.MaxQueueSize), options.MaxQueueSize, OptionLimits.MinQueueSize, OptionLimits.MaxQueueSize);
        check.Range(nameof(options.ShutdownTimeout), options.ShutdownTimeout, OptionLimits.MinShutdownTimeout, OptionLimits.MaxShutdownTimeout);
        check.Defined(nameof(options.SpanLinks), options.SpanLinks, SettingChoiceTables.SpanLinks.Accepted);
        check.Defined(nameof(options.CpuSampleType), options.CpuSampleType, SettingChoiceTables.CpuSampleType.Accepted);
        return problems;
    }

    private readonly struct Checker(OtlpProfilesOptions options, List<OptionProblem> problems)
    {
        public void Endpoint()
        {
            var endpoint = options.Endpoint;
            if (!OtelValueParsers.IsHttpScheme(endpoint))
            {
                var example = options.Protocol == OtlpProfilesProtocol.HttpProtobuf
                    ? OtlpProfilesOptions.DefaultHttpEndpoint
                    : OtlpProfilesOptions.DefaultGrpcEndpoint;
                this.Add(nameof(options.Endpoint), $"{this.Describe(nameof(options.Endpoint), Redaction.Url(endpoint), Redaction.Text)} is not an absolute http(s) URL; use e.g. {example}");
            }
        }

        public void Headers()
        {
            foreach (var (name, value) in options.Headers)
            {
                var setting = options.Sources.FindHeader(name) ?? $"{nameof(OtlpProfilesOptions)}.{nameof(options.Headers)}";
                if (string.IsNullOrWhiteSpace(name))
                {
                    this.AddHeader(name, $"{setting}: a header has an empty name; accepted: {OtlpHeadersParser.Accepted}");
                }
                else if (!name.All(IsTokenChar))
                {
                    this.AddHeader(name, $"{setting}: header name '{name}' is not a valid HTTP header name; accepted: {HeaderNameCharacters}");
                }
                else if (name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase))
                {
                    this.AddHeader(name, $"{setting}: header name '{name}' ends with '-bin', which gRPC reserves for binary metadata; accepted: a text header name");
                }

                // Deliberately without the value: it is usually a credential.
                if (value is null || !value.All(c => c is >= ' ' and <= '~'))
                {
                    this.AddHeader(name, $"{setting}: the value of header '{name}' is missing or contains characters other than printable ASCII (value not shown: header values are secrets)");
                }
            }
        }

        public void ProfileTypes()
        {
            var value = options.ProfileTypes;
            var known = ProfileTypeNames.Known;
            if (value == OtelProfiles.ProfileTypes.None || (value & ~known) != 0)
            {
                this.Add(
                    nameof(options.ProfileTypes),
                    $"{this.Describe(nameof(options.ProfileTypes), value.ToString())} is not a set of known profile types; " +
                    $"accepted: {OtelValueParsers.AcceptedProfileTypes} ({string.Join(", ", ProfileTypeNames.All.Select(t => t.Type))} in code)");
            }
        }

        public void Exporters()
        {
            const ProfileExporters known = ProfileExporters.Otlp | ProfileExporters.File;
            if ((options.Exporters & ~known) != 0)
            {
                this.Add(
                    nameof(options.Exporters),
                    $"{this.Describe(nameof(options.Exporters), options.Exporters.ToString())} is not a set of known exporters; " +
                    $"accepted: {OtelValueParsers.AcceptedExporters} (None, Otlp, File in code)");
            }
        }

        public void SamplerPeriod()
        {
            var period = options.SamplerPeriod;
            var interval = options.ExportInterval;
            var intervalValid = interval >= OptionLimits.MinExportInterval && interval <= OptionLimits.MaxExportInterval;
            if (period < OptionLimits.MinSamplerPeriod || (intervalValid && period > interval))
            {
                this.Add(
                    nameof(options.SamplerPeriod),
                    $"{this.Describe(nameof(options.SamplerPeriod), Format(period))} is out of range; accepted: " +
                    $"at least {(long)OptionLimits.MinSamplerPeriod.TotalMilliseconds} milliseconds ({OptionLimits.MinSamplerPeriod:c}) " +
                    $"and at most the export interval ({(long)interval.TotalMilliseconds} milliseconds)");
            }
        }

        public void FileDirectory()
        {
            if ((options.Exporters & ProfileExporters.File) == 0 || options.FileDirectory is not { } directory)
            {
                return;
            }

            string? problem = null;
            if (string.IsNullOrWhiteSpace(directory))
            {
                problem = "is empty";
            }
            else if (directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                problem = "contains characters not allowed in a path";
            }

            if (problem is not null)
            {
                this.Add(nameof(options.FileDirectory), $"{this.Describe(nameof(options.FileDirectory), directory)} {problem}; accepted: a directory path, or unset for ./profiles");
            }
        }

        public void Range(string property, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                this.Add(property, $"{this.Describe(property, Format(value))} is out of range; accepted: {OptionLimits.Milliseconds(min, max)}");
            }
        }

        public void Range(string property, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                this.Add(
                    property,
                    $"{this.Describe(property, value.ToString(CultureInfo.InvariantCulture))} is out of range; accepted: {OptionLimits.Range(min, max)}");
            }
        }

        public void Range(string property, double value, double min, double max)
        {
            // Written so that NaN fails too.
            if (!(value >= min && value <= max))
            {
                this.Add(
                    property,
                    $"{this.Describe(property, value.ToString(CultureInfo.InvariantCulture))} is out of range; accepted: {OptionLimits.Range(min, max)} (percent)");
            }
        }

        public void Defined<TEnum>(string property, TEnum value, string accepted)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(value))
            {
                this.Add(
                    property,
                    $"{this.Describe(property, value.ToString())} is not a defined value; accepted: {accepted} " +
                    $"({string.Join(", ", Enum.GetNames<TEnum>())} in code)");
            }
        }

        private void Add(string property, string message) => problems.Add(new OptionProblem(property, message));

        private void AddHeader(string name, string message) =>
            problems.Add(new OptionProblem(nameof(OtlpProfilesOptions.Headers), message, name));

        /// <summary>"OTEL_X='raw'" when the value came from a named setting, otherwise "OtlpProfilesOptions.X='value'".</summary>
        private string Describe(string property, string formattedValue, Func<string, string>? redact = null) =>
            options.Sources.Find(property) is var (setting, raw)
                ? $"{setting}='{(raw is null ? formattedValue : redact?.Invoke(raw) ?? raw)}'"
                : $"{nameof(OtlpProfilesOptions)}.{property}='{formattedValue}'";

        private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

        // RFC 9110 token characters, the same rule the exporters apply.
        private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
    }
}
