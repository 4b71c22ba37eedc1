namespace OtelProfiles;

/// <summary>Where a <see cref="ContinuousProfiler"/> is in its life (see the state diagram on the class).</summary>
public enum ProfilerState
{
    /// <summary>Created, never started (or every start so far found profiling disabled).</summary>
    NotStarted,

    /// <summary>Sampling and exporting.</summary>
    Running,

    /// <summary>Stop was called: the last interval is being exported.</summary>
    Stopping,

    /// <summary>Stopped by <see cref="ContinuousProfiler.Stop"/>; <see cref="ContinuousProfiler.Start"/> starts it again.</summary>
    Stopped,

    /// <summary>
    /// Profiling ended by a failure: a session could not start, or one of the profiler's threads (the sampler, an
    /// event reader) died. The failure is in the log; <see cref="ContinuousProfiler.Start"/> tries again.
    /// </summary>
    Faulted,
}
