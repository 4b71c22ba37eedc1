using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OtelProfiles.Configuration;

/// <summary>
/// Turns the text of one OTEL_* setting into a typed value, or into a message that names the setting, quotes the
/// value and says what is accepted. Values are case-insensitive and trimmed, like the other OpenTelemetry SDKs do.
/// </summary>
internal static class OtelValueParsers
{
    public const string AcceptedProtocols = "grpc, http/protobuf";
    public const string AcceptedCompressions = "gzip, none";
    public static readonly string AcceptedProfileTypes = $"a comma-separated list of {ProfileTypeNames.List} (for example cpu,wall)";
    public const string AcceptedExporters = "otlp, file, otlp,file or none";

    public static bool TryParseBoolean(string setting, string raw, out bool value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (bool.TryParse(raw, out value))
        {
            return true;
        }

        error = $"{setting}='{raw}' is not a boolean; accepted: true, false";
        return false;
    }

    /// <summary>Whole numbers only: the OTEL specification writes durations as integer milliseconds.</summary>
    public static bool TryParseInt32(
        string setting, string raw, string what, string accepted, out int value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        error = long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $"{setting}='{raw}' is out of range; accepted: {accepted}"
            : $"{setting}='{raw}' is not {what}; accepted: {accepted}";
        return false;
    }

    public static bool TryParseDouble(
        string setting, string raw, string what, string accepted, out double value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (double.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value))
        {
            return true;
        }

        error = $"{setting}='{raw}' is not {what}; accepted: {accepted}";
        return false;
    }

    public static bool TryParseEndpoint(
        string setting, string raw, string example, [NotNullWhen(true)] out Uri? value, [NotNullWhen(false)] out string? error)
    {
        // "localhost:4317" parses as an absolute URI with scheme "localhost", hence the explicit scheme check.
        if (Uri.TryCreate(raw, UriKind.Absolute, out value) && IsHttpScheme(value))
        {
            error = null;
            return true;
        }

        value = null;
        error = $"{setting}='{Redaction.Text(raw)}' is not an absolute http(s) URL; use e.g. {example}";
        return false;
    }

    public static bool IsHttpScheme(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static bool TryParseProtocol(
        string setting, string raw, out OtlpProfilesProtocol value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (raw.ToLowerInvariant())
        {
            case "grpc":
                value = OtlpProfilesProtocol.Grpc;
                return true;
            case "http/protobuf":
                value = OtlpProfilesProtocol.HttpProtobuf;
                return true;
            case "http/json":
                value = default;
                error = $"{setting}='{raw}' is not supported: profiles are sent as binary protobuf only; accepted: {AcceptedProtocols}";
                return false;
            default:
                value = default;
                error = $"{setting}='{raw}' is not an OTLP protocol; accepted: {AcceptedProtocols}";
                return false;
        }
    }

    public static bool TryParseCompression(
        string setting, string raw, out OtlpProfilesCompression value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (raw.ToLowerInvariant())
        {
            case "gzip":
                value = OtlpProfilesCompression.Gzip;
                return true;
            case "none":
                value = OtlpProfilesCompression.None;
                return true;
            default:
                value = default;
                error = $"{setting}='{raw}' is not a compression; accepted: {AcceptedCompressions}";
                return false;
        }
    }

    public static bool TryParseProfileTypes(
        string setting, string raw, out ProfileTypes value, [NotNullWhen(false)] out string? error)
    {
        value = ProfileTypes.None;
        var unknown = new List<string>();
        foreach (var name in SplitList(raw))
        {
            var type = ProfileTypeNames.Parse(name);
            if (type == ProfileTypes.None)
            {
                unknown.Add(name);
            }

            value |= type;
        }

        error = unknown.Count > 0
            ? $"{setting}='{raw}' names unknown profile type{Plural(unknown)} {Quote(unknown)}; accepted: {AcceptedProfileTypes}"
            : value == ProfileTypes.None
                ? $"{setting}='{raw}' names no profile type; accepted: {AcceptedProfileTypes}"
                : null;
        return error is null;
    }

    public static bool TryParseExporters(
        string setting, string raw, out ProfileExporters value, [NotNullWhen(false)] out string? error)
    {
        value = ProfileExporters.None;
        var unknown = new List<string>();
        var sawNone = false;
        var count = 0;
        foreach (var name in SplitList(raw))
        {
            count++;
            switch (name.ToLowerInvariant())
            {
                case "otlp":
                    value |= ProfileExporters.Otlp;
                    break;
                case "file":
                    value |= ProfileExporters.File;
                    break;
                case "none":
                    sawNone = true;
                    break;
                default:
                    unknown.Add(name);
                    break;
            }
        }

        error = unknown.Count > 0
            ? $"{setting}='{raw}' names unknown exporter{Plural(unknown)} {Quote(unknown)}; accepted: {AcceptedExporters}"
            : sawNone && count > 1
                ? $"{setting}='{raw}' combines 'none' with other exporters; accepted: {AcceptedExporters}"
                : count == 0
                    ? $"{setting}='{raw}' names no exporter; accepted: {AcceptedExporters}"
                    : null;
        return error is null;
    }

    private static string[] SplitList(string raw) =>
        raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Plural(List<string> names) => names.Count == 1 ? string.Empty : "s";

    private static string Quote(List<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
