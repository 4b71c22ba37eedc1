using OtelProfiles.Health;
using OtelProfiles.Tracing;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// What the profiler charged to its budget (its threads' CPU, span tracking, paused time, the estimated extra of the
/// app's GC pauses) and the span mirror's changes
/// and sets: totals so far (<see cref="Now"/>), or over <see cref="Operations"/> operations (<see cref="Since"/>).
/// </summary>
internal readonly record struct ChargedCost(TimeSpan Cpu, TimeSpan Tracking, TimeSpan Paused, TimeSpan GcPause, long Changes, long Sets, long Operations = 1)
{
    public double CpuMsPerOperation => Cpu.TotalMilliseconds / Operations;

    public double TrackingMsPerOperation => Tracking.TotalMilliseconds / Operations;

    public double PausedMsPerOperation => Paused.TotalMilliseconds / Operations;

    public double GcPauseMsPerOperation => GcPause.TotalMilliseconds / Operations;

    public double MsPerOperation => CpuMsPerOperation + TrackingMsPerOperation + PausedMsPerOperation + GcPauseMsPerOperation;

    public double ChangesPerOperation => Changes / (double)Operations;

    public double SetsPerOperation => Sets / (double)Operations;

    public static ChargedCost Now()
    {
        ProfilerHealth health = ProfilerHealth.Shared;
        return new ChargedCost(health.ProfilerCpu, health.SpanTrackingCpu, health.Paused, health.GcPauseExtra, SampleContextTracker.ChangesCharged, SampleContextTracker.SetsCharged);
    }

    /// <summary>What was charged since <paramref name="start"/>, over <paramref name="operations"/> operations.</summary>
    public ChargedCost Since(ChargedCost start, long operations) =>
        new(Cpu - start.Cpu, Tracking - start.Tracking, Paused - start.Paused, GcPause - start.GcPause, Changes - start.Changes, Sets - start.Sets, operations);
}
