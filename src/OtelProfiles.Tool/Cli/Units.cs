using System.Globalization;

namespace OtelProfiles.Tool.Cli;

/// <summary>Parses the human units of command-line values: durations ("90s", "15m", "24h", "7d") and sizes ("512MB", "1GiB").</summary>
internal static class Units
{
    /// <summary>The longest duration accepted (100 years): beyond it, date arithmetic leaves the calendar.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36500);

    public static TimeSpan ParseDuration(string text, string optionName)
    {
        var t = text.Trim().ToLowerInvariant();
        (string Suffix, double Seconds)[] suffixes = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        foreach (var (suffix, seconds) in suffixes)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                // Checked before converting: TimeSpan.FromSeconds throws on values beyond its range (1e300h).
                var total = n * seconds;
                if (!double.IsFinite(total) || total > MaxDuration.TotalSeconds)
                {
                    throw new FormatException($"{optionName}: '{text}' is too long; the longest accepted is {MaxDuration.TotalDays:0}d");
                }

                return TimeSpan.FromSeconds(total);
            }
        }

        throw new FormatException($"{optionName}: '{text}' is not a duration; use a number with ms, s, m, h or d, for example 30s or 24h");
    }

    public static long ParseSize(string text, string optionName)
    {
        var t = text.Trim().ToLowerInvariant();
        (string Suffix, long Factor)[] suffixes =
        [
            ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("kb", 1000), ("mb", 1000_000), ("gb", 1000_000_000), ("b", 1), ("", 1),
        ];
        foreach (var (suffix, factor) in suffixes)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                var bytes = n * factor;
                if (!double.IsFinite(bytes) || bytes >= long.MaxValue)
                {
                    throw new FormatException($"{optionName}: '{text}' is too large");
                }

                return (long)bytes;
            }
        }

        throw new FormatException($"{optionName}: '{text}' is not a size; use a number with B, KB, MB, GB (or KiB, MiB, GiB), for example 512MB");
    }
}
