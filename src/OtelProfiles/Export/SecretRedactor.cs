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

    private readonly string[] _secrets;

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
        _secrets = secrets.OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretRedactor None { get; } = new([]);

    /// <summary>
    /// A redactor for everything secret an exporter holds: the header values and the credentials in its endpoint
    /// (user, password, the query and each of its values), as written and percent-decoded, since an error message
    /// may quote either form.
    /// </summary>
    public static SecretRedactor For(Uri endpoint, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var secrets = headers.Select(h => h.Value).ToList();
        if (endpoint.IsAbsoluteUri)
        {
            AddWithDecoded(secrets, endpoint.UserInfo);
            foreach (var part in endpoint.UserInfo.Split(':'))
            {
                AddWithDecoded(secrets, part);
            }

            var query = endpoint.Query.TrimStart('?');
            AddWithDecoded(secrets, query);
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                AddWithDecoded(secrets, equals >= 0 ? pair[(equals + 1)..] : pair);
            }
        }

        return new SecretRedactor(secrets);
    }

    private static void AddWithDecoded(List<string> secrets, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        secrets.Add(value);
        secrets.Add(Uri.UnescapeDataString(value));
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    public override string ToString() => $"SecretRedactor({_secrets.Length} values)";
}
