using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>The metrics <see cref="ProcessCostDiagnoser"/> adds to each workload row (BenchmarkDotNet shows each as a column).</summary>
internal static class CostMetrics
{
    public static readonly IMetricDescriptor CpuPerOp = new Descriptor(
        "CpuPerOp", "CPU/op", "Process CPU time (all threads, plus the dotnet-trace process for the peer) per operation during the measured iterations", UnitType.Time, "0.000", 1);

    public static readonly IMetricDescriptor PeakWorkingSet = new Descriptor(
        "PeakWorkingSet", "Peak WS", "Peak working set (VmHWM) of the benchmark process at the end of the measured iterations", UnitType.Size, "0.0", 2);

    public static readonly IMetricDescriptor AllocatedPerOpWholeRun = new Descriptor(
        "AllocatedPerOpWholeRun", "Alloc/op (run)", "Bytes allocated by all threads over the whole run (profiler included) per operation", UnitType.Size, "0.0", 6);

    public static readonly IMetricDescriptor EffectiveHz = new Descriptor(
        "EffectiveHz", "Hz/thread", "Samples per second each thread received, from the exported dotnet.sampling.ticks", UnitType.Dimensionless, "0.0", 3);

    public static readonly IMetricDescriptor PausedPercent = new Descriptor(
        "PausedPercent", "Paused %", "Share of time the sampler kept the app's managed threads paused, from the exported dotnet.sampling.paused", UnitType.Dimensionless, "0.00", 3);

    public static readonly IMetricDescriptor ExportKbPerMinute = new Descriptor(
        "ExportKbPerMin", "Export KB/min", "gzip-compressed OTLP export per minute of profiled time", UnitType.Dimensionless, "0.0", 4);

    public static readonly IMetricDescriptor TraceMbPerMinute = new Descriptor(
        "TraceMbPerMin", "Trace MB/min", "dotnet-trace .nettrace file size per minute of tracing (uncompressed)", UnitType.Dimensionless, "0.0", 5);

    private sealed record Descriptor(string Id, string DisplayName, string Legend, UnitType UnitType, string NumberFormat, int PriorityInCategory)
        : IMetricDescriptor
    {
        public string Unit => UnitType switch
        {
            UnitType.Time => "ns",
            UnitType.Size => "B",
            _ => string.Empty,
        };

        public bool TheGreaterTheBetter => false;

        public bool GetIsAvailable(Metric metric) => true;
    }
}
