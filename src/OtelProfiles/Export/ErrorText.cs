using System.Text;

namespace OtelProfiles.Export;

/// <summary>Turns receiver-supplied text (error bodies, status details) into one short, safe log line.</summary>
internal static class ErrorText
{
    // Enough for a receiver's reason ("profiles signal not enabled"), not enough to dump an HTML error page.
    public const int MaxExcerptLength = 256;

    public static string Excerpt(string? text, SecretRedactor redactor)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxExcerptLength + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            // Collapse newlines and control characters so one failure is one log line and cannot forge others.
            var isSpace = char.IsWhiteSpace(c) || char.IsControl(c);
            if (isSpace)
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }
            }
            else
            {
                builder.Append(c);
            }

            lastWasSpace = isSpace;
            if (builder.Length > MaxExcerptLength * 4)
            {
                break;
            }
        }

        // Redact before truncating so a secret cut in half by the limit cannot survive as a prefix.
        var excerpt = redactor.Redact(builder.ToString().TrimEnd());
        return excerpt.Length <= MaxExcerptLength ? excerpt : string.Concat(excerpt.AsSpan(0, MaxExcerptLength), "...");
    }

    /// <summary>An exception no exporter expected (a bug or a broken environment): not retried, logged redacted.</summary>
    public static ExportOutcome UnexpectedFailure(Exception ex, SecretRedactor redactor) =>
        ExportOutcome.Failed(
            "unexpected error",
            Excerpt($"Unexpected {ex.GetType().FullName}: {ex.Message}", redactor),
            retryable: false);
}
