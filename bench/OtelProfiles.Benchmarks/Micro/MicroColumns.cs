using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// Per-sample figures for the microbenchmarks, whose operations cover different numbers of samples (a whole
/// recorded stream, a whole interval): time and allocation per sample, and the compressed size of one export.
/// Evaluated in the host process, which knows the sample counts (see <see cref="RecordedSamplerStream.Prepare"/>).
/// </summary>
internal sealed class MicroColumns : IColumn
{
    private readonly Func<Summary, BenchmarkCase, string> _value;

    private MicroColumns(string id, string name, string legend, Func<Summary, BenchmarkCase, string> value)
    {
        Id = id;
        ColumnName = name;
        Legend = legend;
        _value = value;
    }

    public static IColumn NanosecondsPerSample { get; } = new MicroColumns(
        "NsPerSample", "ns/sample", "Mean time divided by the samples one operation handles",
        (summary, benchmarkCase) => PerSample(summary, benchmarkCase, report => report.ResultStatistics?.Mean, "0.0"));

    public static IColumn BytesPerSample { get; } = new MicroColumns(
        "BytesPerSample", "B/sample", "Allocated bytes per operation divided by the samples one operation handles",
        (summary, benchmarkCase) => PerSample(summary, benchmarkCase, report => report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase), "0.00"));

    public static IColumn CompressedBytesPerExport { get; } = new MicroColumns(
        "GzipBytesPerExport", "gzip B/export", "Size of one export request of this interval, gzip-compressed as the OTLP exporter sends it",
        (_, benchmarkCase) => benchmarkCase.Descriptor.Type == typeof(ExportBuildBenchmarks) && Samples(benchmarkCase) is int samples
            ? SyntheticInterval.CompressedSize(samples).ToString("N0", CultureInfo.InvariantCulture)
            : "-");

    public string Id { get; }

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => _value(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => _value(summary, benchmarkCase);

    public override string ToString() => ColumnName;

    /// <summary>Samples one operation covers: ingestion benchmarks are already per sample (OperationsPerInvoke).</summary>
    private static int? SamplesPerOperation(BenchmarkCase benchmarkCase)
    {
        Type type = benchmarkCase.Descriptor.Type;
        if (type == typeof(SampleIngestionBenchmarks))
        {
            return 1;
        }

        if (type == typeof(NetTraceReaderBenchmarks))
        {
            return RecordedSamplerStream.SampleCount > 0 ? RecordedSamplerStream.SampleCount : null;
        }

        return type == typeof(ExportBuildBenchmarks) ? Samples(benchmarkCase) : null;
    }

    private static int? Samples(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(ExportBuildBenchmarks.Samples))?.Value as int?;

    private static string PerSample(Summary summary, BenchmarkCase benchmarkCase, Func<BenchmarkReport, double?> perOperation, string format) =>
        summary[benchmarkCase] is { } report && perOperation(report) is double value && SamplesPerOperation(benchmarkCase) is int samples and > 0
            ? (value / samples).ToString(format, CultureInfo.InvariantCulture)
            : "-";
}
