namespace OtelProfiles.Collection;

/// <summary>
/// How much CPU the profiler's own threads (<see cref="ProfilerThreads"/>: the sampler's control and reader, the
/// runtime-events reader, the interval and export thread) and the runtime's EventPipe threads working for it
/// (<see cref="RuntimeEventPipeThreads"/>: session streaming, the sampling thread of a window) used since the last
/// reading, so the sampler budget can charge it: decoding the stream and building the profiles is part of what
/// profiling costs the app, next to the pauses. Counts from its creation (the profiler's start before it is not
/// charged); a thread that starts later counts from its start. A profiler thread reads its own total as it ends
/// (<see cref="ProfilerThreads.TryTakeEnded"/>), so what it used after its last reading is charged too, a short-lived
/// one's (a rundown's reader) included. The runtime's threads cannot do that, which is why the sampler also reads just
/// before and just after it stops a window's session.
/// Used by the sampler's control thread only.
/// </summary>
internal sealed class ProfilerCpuMeter
{
    private readonly ProfilerThreads _threads;
    private readonly RuntimeEventPipeThreads? _runtimeThreads;
    private Dictionary<long, TimeSpan> _last = new();
    private Dictionary<long, TimeSpan> _next = new();

    /// <param name="threads">The profiler's managed threads.</param>
    /// <param name="runtimeThreads">The runtime's EventPipe threads to charge as well, or <see langword="null"/> for none.</param>
    public ProfilerCpuMeter(ProfilerThreads threads, RuntimeEventPipeThreads? runtimeThreads)
    {
        _threads = threads;
        _runtimeThreads = runtimeThreads;
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
            used += Read(id);
        }

        if (_runtimeThreads is not null)
        {
            foreach (long id in _runtimeThreads.Find())
            {
                used += Read(id);
            }
        }

        // The profiler's threads that ended since: what they used after their last reading (or since their start).
        while (_threads.TryTakeEnded(out (long Id, TimeSpan Cpu) ended))
        {
            used += Note(ended.Id, ended.Cpu);
            _next.Remove(ended.Id);
        }

        // The readings of threads that ended are dropped with the old dictionary (an id the OS reuses starts afresh).
        (_last, _next) = (_next, _last);
        return used;
    }

    /// <summary>What thread <paramref name="id"/> used since its previous reading; notes this reading for the next.</summary>
    private TimeSpan Read(long id) =>
        _next.ContainsKey(id) || ThreadCpuTime.Of(id) is not { } now ? TimeSpan.Zero : Note(id, now);

    /// <summary>
    /// Notes thread <paramref name="id"/>'s total <paramref name="now"/> for the next call; returns what it used since
    /// its reading earlier in this call, else since the previous call's, else since its start.
    /// </summary>
    private TimeSpan Note(long id, TimeSpan now)
    {
        TimeSpan before = _next.TryGetValue(id, out TimeSpan read) ? read
            : _last.TryGetValue(id, out TimeSpan seen) ? seen : TimeSpan.Zero;
        _next[id] = now;
        return now > before ? now - before : TimeSpan.Zero;
    }
}
