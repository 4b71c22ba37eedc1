namespace OtelProfiles.Configuration;

/// <summary>
/// Hides the parts of an endpoint that can carry credentials before it is shown anywhere: user info
/// (<c>https://user:token@host</c>) and the query string (some vendors take <c>?api-key=...</c>).
/// Header values never reach this class: they are simply never formatted.
/// </summary>
internal static class Redaction
{
    public const string Mask = "***";

    /// <summary>The URL for logs and messages, without user info or query values.</summary>
    public static string Url(Uri uri)
    {
        // Other schemes (ftp:, file:) keep "?..." in the path, where the query masking below would miss it.
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Text(uri.OriginalString);
        }

        if (uri.UserInfo.Length == 0 && uri.Query.Length == 0)
        {
            return uri.AbsoluteUri;
        }

        var builder = new UriBuilder(uri)
        {
            UserName = uri.UserInfo.Length == 0 ? string.Empty : Mask,
            Password = string.Empty,
            Query = uri.Query.Length == 0 ? string.Empty : Mask,
        };
        return builder.Uri.AbsoluteUri;
    }

    /// <summary>
    /// The same for text that did not even parse as a URL (it goes into the "is not a URL" message): anything before
    /// an '@' and anything after a '?' is masked.
    /// </summary>
    public static string Text(string text)
    {
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
            var start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
            text = string.Concat(text.AsSpan(0, start), Mask, text.AsSpan(at));
        }

        var question = text.IndexOf('?');
        if (question >= 0 && question < text.Length - 1)
        {
            text = string.Concat(text.AsSpan(0, question + 1), Mask);
        }

        return text;
    }
}
