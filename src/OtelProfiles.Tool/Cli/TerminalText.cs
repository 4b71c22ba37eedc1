using System.Globalization;
using System.Text;

namespace OtelProfiles.Tool.Cli;

/// <summary>
/// Makes text from profiles safe to print on a terminal. Function and service names come from whoever produced the
/// file; an escape sequence in one could retitle, recolour or clear the user's terminal, and bidirectional overrides
/// could make a line read differently than it is. Such characters are shown as visible escapes instead.
/// </summary>
internal static class TerminalText
{
    public static string Safe(string text)
    {
        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                firstUnsafe = i;
                break;
            }
        }

        if (firstUnsafe < 0)
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 16).Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c))
            {
                safe.Append(c);
            }
            else if (c <= 0xff)
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return safe.ToString();
    }

    /// <summary>C0 and C1 control characters (ESC, CSI, BEL, CR...), DEL and the bidirectional overrides and isolates.</summary>
    private static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
}
