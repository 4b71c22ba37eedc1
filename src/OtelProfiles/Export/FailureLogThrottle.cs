namespace OtelProfiles.Export;

/// <summary>
/// Decides which export failures reach the log. A receiver that is down fails every interval, for hours; the log
/// gets the first failure of each kind in full, then at most one summary per kind every <c>summaryInterval</c>
/// with the number of repeats and the latest message. Not thread-safe: the export queue's single sender uses it.
/// </summary>
internal sealed class FailureLogThrottle
{
    private readonly TimeSpan _summaryInterval;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, KindState> _kinds = new(StringComparer.Ordinal);

    public FailureLogThrottle(TimeSpan summaryInterval, TimeProvider timeProvider)
    {
        _summaryInterval = summaryInterval;
        _timeProvider = timeProvider;
    }

    /// <summary>What to log for one failure of <paramref name="kind"/>.</summary>
    public FailureLogDecision Record(string kind)
    {
        var now = _timeProvider.GetTimestamp();
        if (!_kinds.TryGetValue(kind, out var state))
        {
            _kinds[kind] = new KindState(now, 0);
            return new FailureLogDecision(FailureLogAction.LogFirst, 0, TimeSpan.Zero);
        }

        var since = _timeProvider.GetElapsedTime(state.LastLogged, now);
        if (since < _summaryInterval)
        {
            _kinds[kind] = state with { Suppressed = state.Suppressed + 1 };
            return new FailureLogDecision(FailureLogAction.Suppress, 0, since);
        }

        _kinds[kind] = new KindState(now, 0);
        return new FailureLogDecision(FailureLogAction.LogSummary, state.Suppressed + 1, since);
    }

    /// <summary>Forgets all kinds after a success, so the next outage is reported in full again.</summary>
    public void Reset() => _kinds.Clear();

    private readonly record struct KindState(long LastLogged, int Suppressed);
}

internal enum FailureLogAction
{
    /// <summary>First failure of its kind: log it in full.</summary>
    LogFirst,

    /// <summary>Repeated within the summary interval: count it, log nothing.</summary>
    Suppress,

    /// <summary>Repeated after the summary interval: log one line with the count.</summary>
    LogSummary,
}

/// <param name="Action">What to do.</param>
/// <param name="Occurrences">With <see cref="FailureLogAction.LogSummary"/>: failures of this kind since the last line, this one included.</param>
/// <param name="SinceLastLogged">Time since the last line for this kind.</param>
internal readonly record struct FailureLogDecision(FailureLogAction Action, int Occurrences, TimeSpan SinceLastLogged);
