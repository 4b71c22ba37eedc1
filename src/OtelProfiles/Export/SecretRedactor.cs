namespace OtelProfiles.Export;

/// <summary>
/// Removes configured header values from text that leaves the exporter (log messages, errors). Header values are
/// credentials (<c>Authorization=Basic ...</c>), and receivers and proxies sometimes echo them back in error bodies
/// ("invalid token 'Basic ...'"), so every receiver-supplied text passes through here before anyone can log it.
/// </summary>
internal sealed class SecretRedactor
{
    private const string Mask = "***";

    // Whole values shorter than this are not secrets worth mangling every message for.
    private const int MinimumValueLength = 3;

    // "Basic c2VjcmV0" may come back as just "c2VjcmV0"; the scheme word itself ("Basic", "Bearer") is not secret.
    private const int MinimumTokenLength = 6;

    private readonly string[] secrets;

    public SecretRedactor(IEnumerable<string> headerValues)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in headerValues)
        {
            var trimmed = value.Trim();
            if (trimmed.Length >= MinimumValueLength)
            {
                secrets.Add(trimmed);
            }

            foreach (var token in trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Length >= MinimumTokenLength)
                {
                    secrets.Add(token);
                }
            }
        }

        // Longest first so that a whole value is masked before one of its tokens could split it.
        this.secrets = secrets.OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretRedactor None { get; } = new([]);

    public string Redact(string text)
    {
        foreach (var secret in this.secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    public override string ToString() => $"SecretRedactor({this.secrets.Length} values)";
}
