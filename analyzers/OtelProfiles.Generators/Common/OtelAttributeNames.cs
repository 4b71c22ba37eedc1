using System.Text;

namespace OtelProfiles.Generators.Common;

/// <summary>
/// The OpenTelemetry attribute naming rules the tag keys are checked against: lowercase ASCII, namespaces separated
/// by '.', words by '_', first character a letter, and no key in the <c>otel.</c> namespace (reserved by the spec).
/// </summary>
internal static class OtelAttributeNames
{
    /// <summary>The namespace OpenTelemetry reserves for itself.</summary>
    public const string ReservedPrefix = "otel.";

    /// <summary>True when <paramref name="key"/> follows the naming rules (the reserved prefix is checked separately).</summary>
    public static bool IsValid(string key)
    {
        if (key.Length == 0 || !IsLowerLetter(key[0]))
        {
            return false;
        }

        var segmentLength = 0;
        foreach (var c in key)
        {
            if (c == '.')
            {
                if (segmentLength == 0)
                {
                    return false; // "a..b"
                }

                segmentLength = 0;
            }
            else if (IsLowerLetter(c) || (c >= '0' && c <= '9') || c == '_')
            {
                segmentLength++;
            }
            else
            {
                return false;
            }
        }

        return segmentLength > 0; // no trailing '.'
    }

    /// <summary>True when <paramref name="key"/> is in the reserved <c>otel.</c> namespace (any casing).</summary>
    public static bool HasReservedPrefix(string key) =>
        key.StartsWith(ReservedPrefix, System.StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Rewrites a key into a valid name when the intent is clear: camelCase and PascalCase words become snake_case,
    /// spaces, dashes and other separators become '_', repeated or dangling separators go. Returns null when the
    /// result would still be invalid, reserved or empty (then no code fix is offered).
    /// </summary>
    public static string? Normalize(string key)
    {
        var builder = new StringBuilder(key.Length + 4);
        var previousIsLowerOrDigit = false;
        foreach (var c in key.Trim())
        {
            if (c >= 'A' && c <= 'Z')
            {
                if (previousIsLowerOrDigit)
                {
                    builder.Append('_');
                }

                builder.Append((char)(c + ('a' - 'A')));
                previousIsLowerOrDigit = false;
            }
            else if (IsLowerLetter(c) || (c >= '0' && c <= '9'))
            {
                builder.Append(c);
                previousIsLowerOrDigit = true;
            }
            else
            {
                builder.Append(c == '.' ? '.' : '_');
                previousIsLowerOrDigit = false;
            }
        }

        var normalized = CollapseSeparators(builder.ToString());
        return IsValid(normalized) && !HasReservedPrefix(normalized) ? normalized : null;
    }

    private static string CollapseSeparators(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var last = builder.Length > 0 ? builder[builder.Length - 1] : '.';
            if (c == '_' && (last == '_' || last == '.'))
            {
                continue;
            }

            if (c == '.')
            {
                if (last == '.')
                {
                    continue;
                }

                if (last == '_')
                {
                    builder.Length--; // "a_.b" -> "a.b"
                    if (builder.Length == 0)
                    {
                        continue;
                    }
                }
            }

            builder.Append(c);
        }

        return builder.ToString().Trim('.', '_');
    }

    private static bool IsLowerLetter(char c) => c >= 'a' && c <= 'z';
}
