using System.Diagnostics.CodeAnalysis;
using N = OtelProfiles.Configuration.OtelSettingNames;

namespace OtelProfiles.Configuration;

/// <summary>
/// Every <c>OTEL_*</c> setting this library reads, in the order they are applied. Only the text is checked here
/// (a number, a known name, a URL); ranges are checked once all sources have been applied, by
/// <see cref="OtlpProfilesOptionsValidation"/>, so that a range message names whichever source set the value.
/// </summary>
internal static class OtelSettings
{
    private const string WholeMilliseconds = "a whole number of milliseconds";

    public static IReadOnlyList<OtelSetting> All { get; } =
    [
        OtelSetting.Of<bool>(nameof(OtlpProfilesOptions.Enabled), [N.Enabled], OtelValueParsers.TryParseBoolean, (o, v) => o.Enabled = v),

        // The protocol before the endpoint: the example in an endpoint message depends on it.
        OtelSetting.Of<OtlpProfilesProtocol>(
            nameof(OtlpProfilesOptions.Protocol), [N.ProfilesProtocol, N.Protocol], OtelValueParsers.TryParseProtocol, (o, v) => o.Protocol = v),
        new(nameof(OtlpProfilesOptions.Endpoint), [N.ProfilesEndpoint, N.Endpoint], ApplyEndpoint),
        new(nameof(OtlpProfilesOptions.Headers), [N.ProfilesHeaders, N.Headers], ApplyHeaders, IsSecret: true),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.Timeout),
            [N.ProfilesTimeout, N.Timeout],
            Milliseconds(OptionLimits.Milliseconds(OptionLimits.MinTimeout, OptionLimits.MaxTimeout)),
            (o, v) => o.Timeout = v),
        OtelSetting.Of<OtlpProfilesCompression>(
            nameof(OtlpProfilesOptions.Compression), [N.ProfilesCompression, N.Compression], OtelValueParsers.TryParseCompression, (o, v) => o.Compression = v),
        OtelSetting.Of<ProfileTypes>(nameof(OtlpProfilesOptions.ProfileTypes), [N.Types], OtelValueParsers.TryParseProfileTypes, (o, v) => o.ProfileTypes = v),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.SamplingFrequencyHz),
            [N.SamplingFrequency],
            WholeNumber("a whole number of samples per second", OptionLimits.Range(OptionLimits.MinSamplingFrequencyHz, OptionLimits.MaxSamplingFrequencyHz)),
            (o, v) => o.SamplingFrequencyHz = v),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.SamplingOverheadPercent),
            [N.SamplingOverhead],
            Percent(OptionLimits.Range(OptionLimits.MinSamplingOverheadPercent, OptionLimits.MaxSamplingOverheadPercent) + " (percent)"),
            (o, v) => o.SamplingOverheadPercent = v),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.SamplerPeriod),
            [N.SamplerPeriod],
            Milliseconds($"at least {(long)OptionLimits.MinSamplerPeriod.TotalMilliseconds} milliseconds, at most the export interval"),
            (o, v) => o.SamplerPeriod = v),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.ExportInterval),
            [N.ExportInterval],
            Milliseconds(OptionLimits.Milliseconds(OptionLimits.MinExportInterval, OptionLimits.MaxExportInterval)),
            (o, v) => o.ExportInterval = v),
        OtelSetting.Of<ProfileExporters>(nameof(OtlpProfilesOptions.Exporters), [N.Exporter], OtelValueParsers.TryParseExporters, (o, v) => o.Exporters = v),
        OtelSetting.Of<string>(nameof(OtlpProfilesOptions.FileDirectory), [N.FileDirectory], AnyText, (o, v) => o.FileDirectory = v),
        OtelSetting.Of(
            nameof(OtlpProfilesOptions.MaxQueueSize),
            [N.MaxQueueSize],
            WholeNumber("a whole number", OptionLimits.Range(OptionLimits.MinQueueSize, OptionLimits.MaxQueueSize)),
            (o, v) => o.MaxQueueSize = v),
        OtelSetting.Of<ProfileSpanLinks>(nameof(OtlpProfilesOptions.SpanLinks), [N.SpanLinks], SettingChoiceTables.SpanLinks.TryParse, (o, v) => o.SpanLinks = v),
        OtelSetting.Of<ProfileCpuSampleType>(
            nameof(OtlpProfilesOptions.CpuSampleType), [N.CpuSampleType], SettingChoiceTables.CpuSampleType.TryParse, (o, v) => o.CpuSampleType = v),
    ];

    // OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT is used as is; OTEL_EXPORTER_OTLP_ENDPOINT is a base URL to which
    // OTLP/HTTP appends the signal path.
    private static bool ApplyEndpoint(OtlpProfilesOptions options, string setting, string raw, List<string> problems)
    {
        bool isBase = setting == N.Endpoint;
        string example = options.Protocol != OtlpProfilesProtocol.HttpProtobuf ? OtlpProfilesOptions.DefaultGrpcEndpoint
            : isBase ? "http://localhost:4318"
            : OtlpProfilesOptions.DefaultHttpEndpoint;
        if (!OtelValueParsers.TryParseEndpoint(setting, raw, example, out Uri? uri, out string? error))
        {
            problems.Add(error);
            return false;
        }

        if (isBase)
        {
            options.SetBaseEndpoint(uri);
        }
        else
        {
            options.Endpoint = uri;
        }

        return true;
    }

    // The good entries apply and the bad ones are reported; the per-signal list replaces the generic one as a whole.
    private static bool ApplyHeaders(OtlpProfilesOptions options, string setting, string raw, List<string> problems)
    {
        options.Headers = OtlpHeadersParser.Parse(setting, raw, problems);
        return true;
    }

    private static SettingParser<TimeSpan> Milliseconds(string accepted) =>
        (string setting, string raw, out TimeSpan value, [NotNullWhen(false)] out string? error) =>
        {
            if (!OtelValueParsers.TryParseInt32(setting, raw, WholeMilliseconds, accepted, out int milliseconds, out error))
            {
                value = default;
                return false;
            }

            value = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        };

    private static SettingParser<int> WholeNumber(string what, string accepted) =>
        (string setting, string raw, out int value, [NotNullWhen(false)] out string? error) =>
            OtelValueParsers.TryParseInt32(setting, raw, what, accepted, out value, out error);

    private static SettingParser<double> Percent(string accepted) =>
        (string setting, string raw, out double value, [NotNullWhen(false)] out string? error) =>
            OtelValueParsers.TryParseDouble(setting, raw, "a number of percent such as 1 or 0.5", accepted, out value, out error);

    private static bool AnyText(string setting, string raw, out string value, [NotNullWhen(false)] out string? error)
    {
        value = raw;
        error = null;
        return true;
    }
}
