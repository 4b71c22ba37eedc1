using System.Globalization;
using OtelProfiles.Benchmarks.Gate;
using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Tests.Measurement;

/// <summary>
/// <c>gate-resample</c>: reads a gate log in the format both gates print, pools the pairs by workload, design and
/// injected cost, and simulates gate runs on each pool.
/// </summary>
public sealed class GateResamplingTests : IDisposable
{
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"gate-resampling-{Guid.NewGuid():N}.log");

    public void Dispose() => File.Delete(_log);

    [Fact]
    public void Pools_are_kept_apart_by_design_and_injected_cost_and_each_gets_its_verdicts()
    {
        // The headers as the gates print them (GateLines), so a change of their format shows here.
        GateSettings settings = GateSettings.Parse(["gate", "CpuBound"]);
        var log = new List<string>();

        // The in-process gate, 0% injected: its pairs read high (a machine changing speed between phases).
        log.Add(GateLines.Header("CpuBound", "", settings));
        log.AddRange(InProcessPairs("CpuBound", 1.08, 1.10, 1.09, 1.085, 1.095, 1.09, 1.088));
        log.Add("GATE RESULT workload=CpuBound verdict=FAIL overhead_percent=9.00 low=8.50 high=9.50 pairs=7 injected=0 resolved=yes");

        // The two-process gate, the same workload and injected cost: its pairs are near 1.00.
        log.Add("some other output between the runs");
        log.Add(GateLines.Header("CpuBound", "two processes, ", settings));
        log.AddRange(PairedPairs("CpuBound", 1.00, 0.99, 1.01, 1.005, 0.995, 1.00, 1.002, 0.998, 1.003));
        log.Add("GATE RESULT workload=CpuBound verdict=PASS overhead_percent=0.01 low=-0.50 high=0.50 pairs=9 injected=0 resolved=yes");

        // The two-process gate with a known 8% cost: its pairs are near 1.09.
        log.Add(GateLines.Header("CpuBound", "two processes, ", settings with { InjectPercent = 8 }));
        log.AddRange(PairedPairs("CpuBound", 1.09, 1.085, 1.095, 1.09, 1.088, 1.092));
        log.Add("GATE RESULT workload=CpuBound verdict=FAIL overhead_percent=9.00 low=8.50 high=9.50 pairs=6 injected=8 resolved=yes");
        File.WriteAllLines(_log, log);

        var output = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, GateResampling.Run(_log, 200, null, output));
        List<Row> rows = Rows(output.ToString());

        Assert.Equal(3, rows.Count);
        Assert.Equal(new Row("CpuBound", "0%", 7, 200, "0.0%", "100.0%", "0.0%", "6.0"), rows[0]);
        Assert.Equal(new Row("CpuBound (two processes)", "0%", 9, 200, "100.0%", "0.0%", "0.0%", "6.0"), rows[1]);
        Assert.Equal(new Row("CpuBound (two processes)", "8%", 6, 200, "0.0%", "100.0%", "0.0%", "6.0"), rows[2]);
    }

    /// <summary>Pair lines as the in-process gate prints them, each followed by its parts line.</summary>
    private static IEnumerable<string> InProcessPairs(string label, params double[] ratios) =>
        ratios.SelectMany((r, i) => new[]
        {
            Invariant($"GATE {label} pair {i + 1}: cpu/op off 5.0000 on {5 * r:0.0000} off 5.0000 ms ratio={r:0.0000}"),
            Invariant($"GATE {label} parts {i + 1}: app_threads +0.10% profiler_threads +0.30% charged 0.75%"),
        });

    /// <summary>Step, parts and pair lines as the two-process gate prints them (a step's "ratio 1.2" is not a pair).</summary>
    private static IEnumerable<string> PairedPairs(string label, params double[] ratios) =>
        ratios.SelectMany((r, i) => new[]
        {
            Invariant($"GATE {label} step {i + 1}a: cpu/op A on 6.0000 B off 5.0000 ms ratio 1.2000"),
            Invariant($"GATE {label} parts {i + 1}a: app_threads +0.10% profiler_threads +0.30% charged 0.75%"),
            Invariant($"GATE {label} step {i + 1}b: cpu/op B on 4.0000 A off 5.0000 ms ratio 0.8000"),
            Invariant($"GATE {label} pair {i + 1}: cpu/op A on 6.0000 B off 5.0000, B on 4.0000 A off 5.0000 ms ratio={r:0.0000}"),
        });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The table's data rows (not its header or separator).</summary>
    private static List<Row> Rows(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| workload", StringComparison.Ordinal) && !line.StartsWith("| ---", StringComparison.Ordinal))
            .Select(line => line.Trim('|').Split('|', StringSplitOptions.TrimEntries))
            .Select(c => new Row(c[0], c[1], int.Parse(c[2], CultureInfo.InvariantCulture), int.Parse(c[3], CultureInfo.InvariantCulture), c[4], c[5], c[6], c[7]))];

    private sealed record Row(string Workload, string Injected, int PairsRecorded, int Runs, string Pass, string Fail, string Unresolved, string MeanPairs);
}
