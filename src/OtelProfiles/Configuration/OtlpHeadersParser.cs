namespace OtelProfiles.Configuration;

/// <summary>
/// Parses <c>OTEL_EXPORTER_OTLP_HEADERS</c>: W3C-baggage-like <c>key1=value1,key2=value2</c>, keys and values trimmed,
/// values URL-decoded (so <c>Authorization=Basic%20dXNlcjpwYXNz</c> works). Values are credentials: no message built
/// here contains any part of one, and a malformed entry is identified by its position rather than its text, because
/// an entry without '=' may well be a bare token.
/// </summary>
internal static class OtlpHeadersParser
{
    public const string Accepted =
        "comma-separated key=value pairs with URL-encoded values, e.g. Authorization=Basic%20<credentials>";

    /// <summary>Parses <paramref name="raw"/>; entries that cannot be used are left out and described in <paramref name="errors"/>.</summary>
    public static Dictionary<string, string> Parse(string setting, string raw, List<string> errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        // Empty entries ("a=b,,c=d" or a trailing comma) are harmless and skipped.
        var entries = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var position = $"entry {i + 1} of {entries.Length}";

            // Split at the first '=' only: base64 values end in '='.
            var equals = entry.IndexOf('=');
            if (equals < 0)
            {
                errors.Add($"{setting}: {position} has no '=' (its text is not shown: header values are secrets); accepted: {Accepted}");
                continue;
            }

            var key = entry[..equals].Trim();
            if (key.Length == 0)
            {
                errors.Add($"{setting}: {position} has an empty key before '='; accepted: {Accepted}");
                continue;
            }

            headers[key] = Uri.UnescapeDataString(entry[(equals + 1)..].Trim());
        }

        return headers;
    }
}
