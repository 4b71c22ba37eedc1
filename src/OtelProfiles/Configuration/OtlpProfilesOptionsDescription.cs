using System.Globalization;
using System.Text;

namespace OtelProfiles.Configuration;

/// <summary>
/// Human-readable descriptions of the options for <see cref="OtlpProfilesOptions.ToString"/> and the startup log line.
/// Header values and endpoint credentials are never written: headers appear as <c>key=***</c>.
/// </summary>
internal static class OtlpProfilesOptionsDescription
{
    public static string Describe(OtlpProfilesOptions options)
    {
        var text = new StringBuilder(nameof(OtlpProfilesOptions)).Append(" { ");
        text.Append(CultureInfo.InvariantCulture, $"Enabled={options.Enabled}, ");
        text.Append(CultureInfo.InvariantCulture, $"Protocol={options.Protocol}, ");
        text.Append(CultureInfo.InvariantCulture, $"Endpoint={Redaction.Url(options.Endpoint)}, ");
        text.Append(CultureInfo.InvariantCulture, $"ExportEndpoint={Redaction.Url(options.GetExportEndpoint())}, ");
        text.Append(CultureInfo.InvariantCulture, $"Headers=[{string.Join(", ", options.Headers.Keys.Select(k => $"{k}={Redaction.Mask}"))}], ");
        text.Append(CultureInfo.InvariantCulture, $"Timeout={Duration(options.Timeout)}, ");
        text.Append(CultureInfo.InvariantCulture, $"Compression={options.Compression}, ");
        text.Append(CultureInfo.InvariantCulture, $"ProfileTypes={Types(options.ProfileTypes)}, ");
        text.Append(CultureInfo.InvariantCulture, $"SamplingFrequencyHz={options.SamplingFrequencyHz}, ");
        text.Append(CultureInfo.InvariantCulture, $"SamplerPeriod={Duration(options.SamplerPeriod)}, ");
        text.Append(CultureInfo.InvariantCulture, $"SamplingOverheadPercent={options.SamplingOverheadPercent}, ");
        text.Append(CultureInfo.InvariantCulture, $"ExportInterval={Duration(options.ExportInterval)}, ");
        text.Append(CultureInfo.InvariantCulture, $"Exporters={Exporters(options.Exporters)}, ");
        text.Append(CultureInfo.InvariantCulture, $"FileDirectory={options.FileDirectory ?? "(default ./profiles)"}, ");
        text.Append(CultureInfo.InvariantCulture, $"MaxQueueSize={options.MaxQueueSize}, ");
        text.Append(CultureInfo.InvariantCulture, $"ShutdownTimeout={Duration(options.ShutdownTimeout)}, ");
        text.Append(CultureInfo.InvariantCulture, $"SpanLinks={SettingChoiceTables.SpanLinks.Format(options.SpanLinks)}, ");
        text.Append(CultureInfo.InvariantCulture, $"CpuSampleType={SettingChoiceTables.CpuSampleType.Format(options.CpuSampleType)}");
        return text.Append(" }").ToString();
    }

    /// <summary>"cpu,wall": the spelling of <c>OTEL_PROFILES_TYPES</c>.</summary>
    public static string Types(ProfileTypes types) => ProfileTypeNames.Format(types);

    /// <summary>"otlp,file": the spelling of <c>OTEL_PROFILES_EXPORTER</c>.</summary>
    public static string Exporters(ProfileExporters exporters) => exporters switch
    {
        ProfileExporters.None => "none",
        ProfileExporters.Otlp => "otlp",
        ProfileExporters.File => "file",
        ProfileExporters.Otlp | ProfileExporters.File => "otlp,file",
        _ => exporters.ToString(),
    };

    /// <summary>
    /// Where profiles go, for the startup line: "OTLP/gRPC http://localhost:4317 (headers: authorization) + file /app/profiles".
    /// Header names are shown so that a missing credential is noticed; their values never are.
    /// </summary>
    public static string Destinations(OtlpProfilesOptions options)
    {
        var parts = new List<string>(2);
        if ((options.Exporters & ProfileExporters.Otlp) != 0)
        {
            var transport = options.Protocol == OtlpProfilesProtocol.HttpProtobuf ? "OTLP/HTTP" : "OTLP/gRPC";
            var otlp = $"{transport} {Url(options.GetExportEndpoint())}";
            if (options.Headers.Count > 0)
            {
                otlp += $" (headers: {string.Join(", ", options.Headers.Keys)})";
            }

            parts.Add(otlp);
        }

        if ((options.Exporters & ProfileExporters.File) != 0)
        {
            parts.Add($"file {options.ResolveFileDirectory()}");
        }

        return parts.Count == 0 ? "none" : string.Join(" + ", parts);
    }

    /// <summary>"15s" for whole seconds, "1500ms" otherwise.</summary>
    public static string Duration(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds}ms");

    // "http://localhost:4317", not "http://localhost:4317/": the root path adds nothing for a reader.
    private static string Url(Uri uri)
    {
        var text = Redaction.Url(uri);
        return uri.IsAbsoluteUri && uri.AbsolutePath == "/" && uri.Query.Length == 0 && text.EndsWith('/') ? text[..^1] : text;
    }
}
