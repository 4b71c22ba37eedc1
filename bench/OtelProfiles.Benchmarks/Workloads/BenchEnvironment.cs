using System.Globalization;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Environment variables the host process sets for every benchmark process it starts (children inherit the host's
/// environment; BenchmarkDotNet adds each job's own variables on top).
/// </summary>
internal static class BenchEnvironment
{
    /// <summary>Root directory of the file exports; each benchmark process writes into <c>ROOT/PID</c>.</summary>
    public const string ExportRoot = "OTELPROFILES_BENCH_EXPORT_ROOT";

    /// <summary>
    /// Seconds each benchmark process runs its operation in GlobalSetup before BenchmarkDotNet's own warmup, so the
    /// profiler's start is over before anything is measured (see <see cref="ProfiledWorkload"/>). Default 45.
    /// </summary>
    public const string SettleSeconds = "OTELPROFILES_BENCH_SETTLE_SECONDS";

    /// <summary>Where a process writes its profiles, so the host can find them again by process id.</summary>
    public static string ExportDirectoryFor(int processId) => Path.Combine(Root, processId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Where a process leaves its whole-run counters (<see cref="RunCounters"/>) for the host.</summary>
    public static string CountersPathFor(int processId) => Path.Combine(Root, processId.ToString(CultureInfo.InvariantCulture) + ".counters");

    public static double Settle => double.TryParse(Environment.GetEnvironmentVariable(SettleSeconds), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 45;

    private static string Root => Environment.GetEnvironmentVariable(ExportRoot) ?? Path.Combine(Path.GetTempPath(), "otelprofiles-bench");
}
