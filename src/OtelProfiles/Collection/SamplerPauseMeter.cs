namespace OtelProfiles.Collection;

/// <summary>
/// Measures what the sample profiler costs the app: for every tick the runtime pauses all managed threads
/// (SuspendEE with reason "other"), walks their stacks and restarts them (RestartEE). The time from
/// GCSuspendEEBegin to GCRestartEEEnd is time the app's managed code could not run. A thread that had not reached a
/// safe point yet keeps running during part of it, so this slightly overstates the cost: the budget errs on the safe side.
/// Fed on the sampler's reader thread; windows are taken by the control thread after the window's stream ended,
/// interval totals by the export thread.
/// </summary>
internal sealed class SamplerPauseMeter
{
    private long _qpcFrequency = 1_000_000_000;
    private long _pauseStart;
    private int _windowPauses;
    private long _windowPausedNs;
    private long _intervalPausedNs;

    public void OnHeader(long qpcFrequency) => _qpcFrequency = qpcFrequency > 0 ? qpcFrequency : 1_000_000_000;

    public void OnSuspendBegin(long timestamp, int reason) =>
        // A GC's own pause is not the sampler's cost; a begin without its restart (stream cut) is overwritten here.
        _pauseStart = reason == RuntimeEvents.SuspendReasonOther ? timestamp : 0;

    public void OnRestartEnd(long timestamp)
    {
        if (_pauseStart == 0 || timestamp < _pauseStart)
        {
            _pauseStart = 0;
            return;
        }

        long ns = (long)((timestamp - _pauseStart) * (1e9 / _qpcFrequency));
        _pauseStart = 0;
        _windowPauses++;
        _windowPausedNs += ns;
        Interlocked.Add(ref _intervalPausedNs, ns);
    }

    /// <summary>The sampler's pauses since the last call (one per tick) and their total length.</summary>
    public SamplerPauses TakeWindow()
    {
        var window = new SamplerPauses(_windowPauses, TimeSpan.FromTicks(_windowPausedNs / 100));
        _windowPauses = 0;
        _windowPausedNs = 0;
        _pauseStart = 0;
        return window;
    }

    /// <summary>Nanoseconds the sampler paused the app since the last call (for the export interval's profile).</summary>
    public long TakeIntervalPausedNs() => Interlocked.Exchange(ref _intervalPausedNs, 0);
}

/// <summary>What one sampler window cost: its ticks (one pause each) and the total time the app was paused.</summary>
internal readonly record struct SamplerPauses(int Count, TimeSpan Total)
{
    public TimeSpan PerTick => Count > 0 ? Total / Count : TimeSpan.Zero;
}
