using System.Globalization;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// One phase's CPU per operation (ms), the part of it the profiler's threads and threads that ended in the phase used
/// (ms), GC pause time per operation (ms, wall clock), the JIT's tiering thread's CPU per operation (ms), gen0 and gen1
/// collections per 1,000 operations and the thread pool's thread count at its end. The rest of the CPU is
/// the app's own threads: if profiling makes them slower (pauses, caches, span tracking, GC), it shows there.
/// </summary>
internal readonly record struct PhaseCost(long Operations, double MsPerOperation, double ProfilerMsPerOperation, double GcPauseMsPerOperation, double TieringMsPerOperation, double Gen0PerThousand, double Gen1PerThousand, int PoolThreads)
{
    public double AppMsPerOperation => MsPerOperation - ProfilerMsPerOperation;

    /// <summary>
    /// A "GATE label parts N:" line (N: the pair, or the step of a paired-process gate) (not a pair line: <see cref="Measurement.GateResampling"/> skips it): the on
    /// phase's app threads against the off phases' mean, the profiler threads' share, what the profiler charged to its
    /// budget, and the GC's pause time, each as a percentage of the off phases' CPU per operation.
    /// </summary>
    public static string Parts(string label, string pair, PhaseCost offBefore, PhaseCost on, PhaseCost offAfter, ChargedCost charged)
    {
        double OffMean(Func<PhaseCost, double> part) => (part(offBefore) + part(offAfter)) / 2;
        double off = OffMean(p => p.MsPerOperation);
        double offPause = OffMean(p => p.GcPauseMsPerOperation);
        double offGen0 = OffMean(p => p.Gen0PerThousand);
        double Percent(double ms) => ms / off * 100;
        double Extra(Func<PhaseCost, double> part) => Percent(part(on) - OffMean(part));
        return string.Create(CultureInfo.InvariantCulture,
            $"GATE {label} parts {pair}: app_threads {Extra(p => p.AppMsPerOperation):+0.00;-0.00;0.00}% profiler_threads {Extra(p => p.ProfilerMsPerOperation):+0.00;-0.00;0.00}% charged {Percent(charged.MsPerOperation):0.00}% (cpu {Percent(charged.CpuMsPerOperation):0.00}, span tracking {Percent(charged.TrackingMsPerOperation):0.00} for {charged.ChangesPerOperation:0} changes/op of which {charged.SetsPerOperation:0} sets, paused {Percent(charged.PausedMsPerOperation):0.00}, gc {Percent(charged.GcPauseMsPerOperation):0.00}) gc_pause {Extra(p => p.GcPauseMsPerOperation):+0.00;-0.00;0.00}% (per gen0 off {offPause / offGen0 * 1e6:0} on {on.GcPauseMsPerOperation / on.Gen0PerThousand * 1e6:0} us) tiering {Extra(p => p.TieringMsPerOperation):+0.00;-0.00;0.00}% gen0/kop off {offGen0:0.0} on {on.Gen0PerThousand:0.0} gen1/kop off {OffMean(p => p.Gen1PerThousand):0.0} on {on.Gen1PerThousand:0.0} pool_threads {offBefore.PoolThreads}/{on.PoolThreads}/{offAfter.PoolThreads}");
    }
}
