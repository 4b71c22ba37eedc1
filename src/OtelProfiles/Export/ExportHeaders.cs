namespace OtelProfiles.Export;

/// <summary>
/// Checks the configured export headers once, up front, so that a bad value fails at startup with the header name
/// and never later inside the HTTP stack, whose exceptions would quote the value (the secret) back.
/// </summary>
internal static class ExportHeaders
{
    public static IReadOnlyList<KeyValuePair<string, string>> Validate(IEnumerable<KeyValuePair<string, string>>? headers)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers ?? [])
        {
            if (string.IsNullOrWhiteSpace(name) || !name.All(IsTokenChar))
            {
                throw new ArgumentException(
                    $"Export header name '{name}' is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only).",
                    nameof(headers));
            }

            if (name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"Export header '{name}' ends with '-bin', which gRPC reserves for binary metadata; use a text header.",
                    nameof(headers));
            }

            // Deliberately without the value: it is usually a credential.
            if (value is null || !value.All(IsVisibleAsciiOrSpace))
            {
                throw new ArgumentException(
                    $"The value of export header '{name}' contains characters other than printable ASCII (value not shown).",
                    nameof(headers));
            }

            result.Add(new(name, value.Trim()));
        }

        return result;
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    private static bool IsVisibleAsciiOrSpace(char c) => c is >= ' ' and <= '~';
}
