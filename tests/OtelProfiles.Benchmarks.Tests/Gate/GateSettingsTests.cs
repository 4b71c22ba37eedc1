using OtelProfiles.Benchmarks.Gate;

namespace OtelProfiles.Benchmarks.Tests.Gate;

/// <summary>The gate's command line (<c>gate Workload [options]</c>, as Program.cs passes it whole).</summary>
public sealed class GateSettingsTests
{
    [Fact]
    public void Without_options_the_gate_runs_at_the_defaults_of_bench_ci_overhead_check()
    {
        GateSettings settings = GateSettings.Parse(["gate", "CpuBound"]);
        Assert.Equal(new GateSettings(PhaseSeconds: 5, SettleSeconds: 2.5, MinPairs: 6, MaxPairs: 20, BudgetPercent: 5, InjectPercent: 0, WarmupSeconds: 10, ProfilerWarmupSeconds: 60, PhaseTimes: false), settings);
    }

    [Theory]
    [InlineData("Kestrel", 30)]
    [InlineData("KestrelRequest", 30)]
    [InlineData("CpuBound", 20)]
    [InlineData("Json", 20)]
    public void Kestrel_gets_more_pairs_by_default(string workload, int maxPairs)
    {
        Assert.Equal(maxPairs, GateSettings.Parse(["gate", workload]).MaxPairs);
        Assert.Equal(maxPairs, GateSettings.DefaultMaxPairs(workload));
    }

    [Fact]
    public void Every_option_overrides_its_default()
    {
        GateSettings settings = GateSettings.Parse(
        [
            "gate", "Kestrel", "--phase", "2", "--settle", "1.5", "--min-pairs", "3", "--max-pairs", "12", "--budget", "2.5",
            "--inject", "40", "--warmup", "1", "--profiler-warmup", "7.5", "--phase-times",
        ]);
        Assert.Equal(new GateSettings(PhaseSeconds: 2, SettleSeconds: 1.5, MinPairs: 3, MaxPairs: 12, BudgetPercent: 2.5, InjectPercent: 40, WarmupSeconds: 1, ProfilerWarmupSeconds: 7.5, PhaseTimes: true), settings);
    }

    [Fact]
    public void Options_may_come_in_any_order_and_next_to_the_in_process_switch()
    {
        GateSettings settings = GateSettings.Parse(["gate", "CpuBound", "--in-process", "--inject", "8", "--budget", "3"]);
        Assert.Equal(8, settings.InjectPercent);
        Assert.Equal(3, settings.BudgetPercent);
        Assert.Equal(5, settings.PhaseSeconds);
        Assert.Equal(20, settings.MaxPairs);
        Assert.False(settings.PhaseTimes);
    }
}
