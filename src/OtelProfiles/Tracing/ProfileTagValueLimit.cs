using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// Caps the distinct values a <see cref="ProfileTags"/> key takes, so that a tag fed from unbounded data (a user id)
/// cannot multiply the profile's samples without end: past the cap, new values are exported as
/// <see cref="OtherValue"/>, and each key that reaches it is logged once. The values seen stay for the process's
/// life (a few thousand strings at most).
/// </summary>
internal static class ProfileTagValueLimit
{
    /// <summary>Distinct values kept per key.</summary>
    public const int MaxValuesPerKey = 100;

    /// <summary>Distinct keys kept; later keys are dropped (logged once).</summary>
    public const int MaxKeys = 32;

    /// <summary>The value exported for a value past the cap.</summary>
    public const string OtherValue = "_other";

    private static readonly ConcurrentDictionary<string, KeyValues> ValuesByKey = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private static readonly List<string> PendingLines = [];
    private static ILogger? _logger;
    private static int _keysLogged;

    /// <summary>Where the lines go (the profiler's logger, once it starts); lines waiting for it are written now.</summary>
    public static void SetLogger(ILogger logger)
    {
        string[] pending;
        lock (Gate)
        {
            _logger = logger;
            pending = PendingLines.ToArray();
            PendingLines.Clear();
        }

        foreach (string line in pending)
        {
            Log.ProfileTagLimitReached(logger, line);
        }
    }

    /// <summary>
    /// The value to export for <paramref name="key"/> = <paramref name="value"/>: the value itself, or
    /// <see cref="OtherValue"/> past the cap; null when the key itself is past the key cap.
    /// </summary>
    public static string? Admit(string key, string value)
    {
        if (!ValuesByKey.TryGetValue(key, out KeyValues? values))
        {
            if (ValuesByKey.Count >= MaxKeys)
            {
                if (Interlocked.Exchange(ref _keysLogged, 1) == 0)
                {
                    Report($"profile tag key '{key}' and any later new key are dropped: at most {MaxKeys} distinct keys are exported");
                }

                return null;
            }

            values = ValuesByKey.GetOrAdd(key, _ => new KeyValues());
        }

        if (values.Values.ContainsKey(value))
        {
            return value;
        }

        // Racing threads may admit a value or two past the cap: it bounds growth, it is not an exact count.
        if (values.Values.Count >= MaxValuesPerKey)
        {
            if (Interlocked.Exchange(ref values.Logged, 1) == 0)
            {
                Report($"profile tag '{key}' reached {MaxValuesPerKey} distinct values; its further values are exported as '{OtherValue}'");
            }

            return OtherValue;
        }

        values.Values.TryAdd(value, true);
        return value;
    }

    private static void Report(string line)
    {
        ILogger? logger;
        lock (Gate)
        {
            logger = _logger;
            if (logger is null)
            {
                PendingLines.Add(line);
                return;
            }
        }

        Log.ProfileTagLimitReached(logger, line);
    }

    private sealed class KeyValues
    {
        public readonly ConcurrentDictionary<string, bool> Values = new(StringComparer.Ordinal);
        public int Logged;
    }
}
