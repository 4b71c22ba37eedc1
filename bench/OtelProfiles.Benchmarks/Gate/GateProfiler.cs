using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The profiler as the gate starts and stops it: a host that runs only the profiler, at the defaults but for a 4 s
/// export interval, so that every on phase pays for at least one export (the default is 15 s).
/// </summary>
internal static class GateProfiler
{
    public static IHost Start()
    {
        Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "true");
        Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", "4000");
        try
        {
            return ProfiledHost.StartGeneric();
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "false");
            Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", null);
        }
    }

    /// <summary>
    /// Warms the workload, then the profiler's own code, uncounted. The profiler's start is a once-per-process cost,
    /// reported apart (bench/measure-idle); the JIT keeps tiering the profiler's code up for about a minute of
    /// profiling (code that runs once per window or export reaches the 30-call threshold after ~30 of them), and a
    /// `perf` profile of a gate with 10 s of profiled warmup had the tiering thread at ~1% of the process in the first
    /// on phases, ~0 from the eighth (bench/results/kestrel-cost-2026-12-05.md).
    /// </summary>
    public static void WarmUp(Action operation, double workloadSeconds, double profilerSeconds)
    {
        WorkloadOperation.RunFor(operation, workloadSeconds);
        IHost first = Start();
        WorkloadOperation.RunFor(operation, profilerSeconds);
        Stop(first);
    }

    public static void Stop(IHost profiler)
    {
        profiler.StopAsync().GetAwaiter().GetResult();
        profiler.Dispose();
    }
}
