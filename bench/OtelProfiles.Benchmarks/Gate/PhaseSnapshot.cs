using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The process's counters at one instant (its CPU time, each live thread's CPU time, the GC's pause time and
/// collection counts), taken between two operations; <see cref="CostSince"/> turns two of them into a
/// <see cref="PhaseCost"/>.
/// </summary>
internal sealed record PhaseSnapshot(TimeSpan Cpu, ThreadCpu Threads, TimeSpan GcPause, int Gen0, int Gen1)
{
    public static PhaseSnapshot Take() =>
        new(Environment.CpuUsage.TotalTime, ThreadCpu.Snapshot(), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1));

    /// <summary>The phase from <paramref name="start"/> to this snapshot, over <paramref name="operations"/> whole operations.</summary>
    public PhaseCost CostSince(PhaseSnapshot start, long operations)
    {
        double cpuMs = (Cpu - start.Cpu).TotalMilliseconds;
        (double profilerMs, double tieringMs) = Threads.Since(start.Threads);
        // Threads that ended inside the phase: a sampler window's sampling and streaming threads (a retiring thread-pool
        // worker now and then too).
        double endedMs = Math.Max(0, cpuMs - Threads.AllMs(start.Threads));
        return new PhaseCost(
            operations,
            cpuMs / operations,
            (profilerMs + endedMs) / operations,
            (GcPause - start.GcPause).TotalMilliseconds / operations,
            tieringMs / operations,
            (Gen0 - start.Gen0) * 1000.0 / operations,
            (Gen1 - start.Gen1) * 1000.0 / operations,
            ThreadPool.ThreadCount);
    }
}
