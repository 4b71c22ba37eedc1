namespace OtelProfiles.Collection;

/// <summary>
/// How much CPU the profiler's own threads (<see cref="ProfilerThreads"/>: the sampler's control and reader, the
/// runtime-events reader, the interval and export thread) used since the last reading, so the sampler budget can
/// charge it: decoding the stream and building the profiles is part of what profiling costs the app, next to the
/// pauses. Counts from its creation (the profiler's start before it is not charged); a thread that starts later
/// counts from its start. What a thread used between its last reading and its end is not seen. Used by the
/// sampler's control thread only.
/// </summary>
internal sealed class ProfilerCpuMeter
{
    private readonly ProfilerThreads _threads;
    private Dictionary<long, TimeSpan> _last = new();
    private Dictionary<long, TimeSpan> _next = new();

    public ProfilerCpuMeter(ProfilerThreads threads)
    {
        _threads = threads;
        Take();
    }

    /// <summary>Whether this platform can read thread CPU times (Linux, Windows); elsewhere every reading is zero.</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>CPU time the profiler's threads used since the previous call (or since this meter was made).</summary>
    public TimeSpan Take()
    {
        TimeSpan used = TimeSpan.Zero;
        _next.Clear();
        foreach (long id in _threads.LiveIds)
        {
            if (ThreadCpuTime.Of(id) is not { } now)
            {
                continue;
            }

            TimeSpan before = _last.TryGetValue(id, out TimeSpan seen) ? seen : TimeSpan.Zero;
            if (now > before)
            {
                used += now - before;
            }

            _next[id] = now;
        }

        // The readings of threads that ended are dropped with the old dictionary (an id the OS reuses starts afresh).
        (_last, _next) = (_next, _last);
        return used;
    }
}
