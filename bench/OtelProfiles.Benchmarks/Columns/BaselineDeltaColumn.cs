using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Columns;

/// <summary>
/// A row's cost relative to the profiling-off baseline of the same workload: the numbers the budgets are about
/// (throughput loss, extra CPU, extra working set), so nobody has to subtract columns by hand.
/// </summary>
internal sealed class BaselineDeltaColumn : IColumn
{
    private readonly Func<BenchmarkReport, double?> _value;
    private readonly Func<double, double, string> _format;

    private BaselineDeltaColumn(string id, string name, string legend, Func<BenchmarkReport, double?> value, Func<double, double, string> format)
    {
        Id = id;
        ColumnName = name;
        Legend = legend;
        _value = value;
        _format = format;
    }

    /// <summary>Throughput lost against the baseline: 1 - baseline mean / mean (a mean 2% longer is 1.96% less throughput).</summary>
    public static IColumn ThroughputLoss { get; } = new BaselineDeltaColumn(
        "ThroughputLoss", "Tput loss", "Throughput lost against profiling off: 1 - baseline mean / mean",
        report => report.ResultStatistics?.Mean,
        (value, baseline) => Percent(1 - (baseline / value)));

    public static IColumn ExtraCpu { get; } = new BaselineDeltaColumn(
        "ExtraCpu", "CPU Δ", "Extra CPU time per operation against profiling off",
        report => Metric(report, CostMetrics.CpuPerOp.Id),
        (value, baseline) => Percent((value / baseline) - 1));

    public static IColumn ExtraWorkingSet { get; } = new BaselineDeltaColumn(
        "ExtraWorkingSet", "WS Δ", "Extra peak working set against profiling off, in MB",
        report => Metric(report, CostMetrics.PeakWorkingSet.Id),
        (value, baseline) => ((value - baseline) / (1024 * 1024)).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " MB");

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

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? baselineCase = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        if (baselineCase is null || summary[benchmarkCase] is not { } report || summary[baselineCase] is not { } baselineReport)
        {
            return "?";
        }

        if (ReferenceEquals(baselineCase, benchmarkCase))
        {
            return "baseline";
        }

        return _value(report) is { } value && _value(baselineReport) is { } baseline && baseline > 0 && value > 0
            ? _format(value, baseline)
            : "?";
    }

    public override string ToString() => ColumnName;

    private static double? Metric(BenchmarkReport report, string id) =>
        report.Metrics.TryGetValue(id, out Metric? metric) ? metric.Value : null;

    private static string Percent(double fraction) =>
        (fraction * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
}
