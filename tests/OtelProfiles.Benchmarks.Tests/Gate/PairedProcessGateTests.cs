using System.Globalization;
using System.Text.RegularExpressions;

namespace OtelProfiles.Benchmarks.Tests.Gate;

/// <summary>
/// The real two-process gate (<c>gate CpuBound</c>, two <c>gate-child</c> processes profiling in turns), shortened to
/// two pairs of 2 s phases: a known injected cost must come out as a FAIL, and no injected cost must not come out as a
/// large overhead.
/// <para>
/// Both runs turn tiered compilation off in the gate and its children (inherited environment). Right after the
/// profiler's start the JIT's tiering thread recompiles its code for about a minute, up to +20% of CPU per operation in
/// the first on phases of a 2 s warm-up; the real gate's 60 s of profiled warm-up is there for that, and is too long
/// here. Without tiering the code is compiled optimised once, in both processes alike, and what the two processes
/// compare is what the gate is meant to compare.
/// </para>
/// </summary>
[Collection(GateProcessCollection.Name)]
public sealed partial class PairedProcessGateTests : IDisposable
{
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(150);

    private readonly string _exportRoot = Directory.CreateTempSubdirectory("otelprofiles-gate-test-").FullName;

    public void Dispose() => Directory.Delete(_exportRoot, recursive: true);

    [Fact]
    public async Task A_known_40_percent_cost_fails_the_gate()
    {
        GateRun run = await RunGate(inject: 40);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode} after {run.Elapsed}, not 1 (FAIL). Output:\n{run.Output}");
        GateResult result = Result(run);
        Assert.Equal("FAIL", result.Verdict);
        Assert.Equal(2, result.Pairs);
        Assert.Equal("40", result.Injected);
        Assert.True(result.OverheadPercent > 20, $"overhead {result.OverheadPercent}% with 40% injected. Output:\n{run.Output}");

        // Each pair is the geometric mean of its two steps (A on / B off, then B on / A off), and the verdict's mean
        // is the pairs' (two pairs: nothing trimmed). The lines carry 4 decimals.
        double[] pairs = PairRatios(run);
        Assert.Equal(2, pairs.Length);
        double[] steps = StepRatios(run);
        Assert.Equal(4, steps.Length);
        Assert.Equal(Math.Sqrt(steps[0] * steps[1]), pairs[0], 1e-3);
        Assert.Equal(Math.Sqrt(steps[2] * steps[3]), pairs[1], 1e-3);
        Assert.Equal((Math.Sqrt(pairs[0] * pairs[1]) - 1) * 100, result.OverheadPercent, 0.1);

        // Both children ran the profiler (warm-up and on phases), each writing its profiles under ROOT/PID.
        string[] profiled = [.. Directory.GetDirectories(_exportRoot).Where(d => Directory.EnumerateFiles(d, "*.pb").Any())];
        Assert.True(profiled.Length == 2, $"{profiled.Length} processes exported profiles under {_exportRoot}, not 2");
    }

    [Fact]
    public async Task Without_an_injected_cost_the_gate_measures_a_small_overhead()
    {
        GateRun run = await RunGate(inject: 0);

        // PASS or FAIL both finish the run; 2 is an error (a child that hung or died).
        Assert.True(run.ExitCode is 0 or 1, $"exit code {run.ExitCode} after {run.Elapsed}. Output:\n{run.Output}");
        GateResult result = Result(run);
        Assert.Equal(run.ExitCode == 0 ? "PASS" : "FAIL", result.Verdict);
        Assert.Equal(2, result.Pairs);
        Assert.Equal("0", result.Injected);
        Assert.Equal(2, PairRatios(run).Length);
        Assert.InRange(result.OverheadPercent, -15, 15);
    }

    private Task<GateRun> RunGate(int inject) => GateProcess.RunAsync(
        ["gate", "CpuBound", "--warmup", "1", "--profiler-warmup", "2", "--phase", "2", "--settle", "1", "--min-pairs", "2", "--max-pairs", "2", "--inject", inject.ToString(CultureInfo.InvariantCulture)],
        new Dictionary<string, string>
        {
            ["OTELPROFILES_BENCH_EXPORT_ROOT"] = _exportRoot,
            ["DOTNET_TieredCompilation"] = "0",
        },
        GateTimeout);

    private static GateResult Result(GateRun run)
    {
        Match[] results = [.. run.Lines.Select(l => ResultLine().Match(l)).Where(m => m.Success)];
        Assert.True(results.Length == 1, $"{results.Length} result lines. Output:\n{run.Output}");
        GroupCollection g = results[0].Groups;
        return new GateResult(
            g["verdict"].Value,
            double.Parse(g["overhead"].Value, CultureInfo.InvariantCulture),
            int.Parse(g["pairs"].Value, CultureInfo.InvariantCulture),
            g["injected"].Value);
    }

    private static double[] PairRatios(GateRun run)
    {
        Match[] pairs = [.. run.Lines.Select(l => PairLine().Match(l)).Where(m => m.Success)];
        Assert.Equal(Enumerable.Range(1, pairs.Length), pairs.Select(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)));
        return [.. pairs.Select(m => double.Parse(m.Groups["ratio"].Value, CultureInfo.InvariantCulture))];
    }

    private static double[] StepRatios(GateRun run)
    {
        Match[] steps = [.. run.Lines.Select(l => StepLine().Match(l)).Where(m => m.Success)];
        Assert.Equal(["1a", "1b", "2a", "2b"], steps.Select(m => m.Groups["step"].Value));

        // The processes take turns: A profiles in the first step of a pair, B in the second, the other one off.
        Assert.Equal(["A on, B off", "B on, A off", "A on, B off", "B on, A off"], steps.Select(m => $"{m.Groups["on"].Value} on, {m.Groups["off"].Value} off"));
        return [.. steps.Select(m => double.Parse(m.Groups["ratio"].Value, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex(@"^GATE RESULT workload=CpuBound verdict=(?<verdict>PASS|FAIL) overhead_percent=(?<overhead>-?[0-9.]+) low=\S+ high=\S+ pairs=(?<pairs>\d+) injected=(?<injected>\S+) resolved=(yes|no)$")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"^GATE CpuBound pair (?<n>\d+): .* ratio=(?<ratio>[0-9.]+)$")]
    private static partial Regex PairLine();

    [GeneratedRegex(@"^GATE CpuBound step (?<step>\d+[ab]): cpu/op (?<on>[AB]) on [0-9.]+ (?<off>[AB]) off [0-9.]+ ms ratio (?<ratio>[0-9.]+)$")]
    private static partial Regex StepLine();

    private sealed record GateResult(string Verdict, double OverheadPercent, int Pairs, string Injected);
}
