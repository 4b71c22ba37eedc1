using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// The overhead budget in a real process: the CPU workload (more busy threads than a 2-core machine has cores, where
/// every sampler tick pauses the app for milliseconds) run at the default 1% and without a limit. The profiles
/// report the time the sampler kept the app paused; the budget must hold it near 1% while still sampling, where the
/// unlimited sampler pauses the app several times as long.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SamplerBudgetIntegrationTests
{
    private const int WorkloadSeconds = 10;

    [Fact]
    public async Task The_default_budget_keeps_the_app_paused_about_one_percent_of_the_time_and_still_samples()
    {
        (Measured budgeted, string budgetedOutput) = await RunAsync(overheadPercent: null);
        (Measured unlimited, string unlimitedOutput) = await RunAsync(overheadPercent: "100");

        Assert.True(budgeted.Ticks > 0, "the budgeted sampler took no samples at all");
        Assert.True(budgeted.CpuSamples > 0, "no CPU samples under the budget");

        // Within the budget, with room for the last window's overrun that the run ended before paying back: the
        // pauses plus the profiler threads' CPU, which the budget charges as its share of the cores.
        Assert.True(budgeted.ProfilerCpuNs > 0, "the profiles report no CPU of the profiler's own threads");
        Assert.True(budgeted.CostFraction <= 0.02, $"paused {budgeted.PausedFraction:P2} and profiler threads {budgeted.ProfilerCpuFraction:P2} of the time at the default 1% budget");

        // What the sampler does to this app without the budget: what the budget spared.
        Assert.True(
            unlimited.PausedFraction > 2 * budgeted.PausedFraction,
            $"unlimited sampler paused {unlimited.PausedFraction:P2}, budgeted {budgeted.PausedFraction:P2}: the budget made no difference");
        Assert.True(unlimited.Ticks > budgeted.Ticks, $"unlimited {unlimited.Ticks} ticks, budgeted {budgeted.Ticks}");

        // The app's log says why the rate is low and what to change, once; without a budget there is nothing to say.
        Assert.Single(budgetedOutput.Split('\n'), l => l.Contains("SamplingRateLimited", StringComparison.Ordinal) || l.Contains("OTEL_PROFILES_SAMPLING_OVERHEAD)", StringComparison.Ordinal));
        Assert.DoesNotContain("OTEL_PROFILES_SAMPLING_OVERHEAD)", unlimitedOutput, StringComparison.Ordinal);
    }

    private static async Task<(Measured Measured, string Output)> RunAsync(string? overheadPercent)
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-budget-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["OTEL_PROFILES_EXPORTER"] = "file",
                ["OTEL_PROFILES_FILE_DIRECTORY"] = directory,
                ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",
            };
            if (overheadPercent is not null)
            {
                settings["OTEL_PROFILES_SAMPLING_OVERHEAD"] = overheadPercent;
            }

            WorkloadResult run = await WorkloadProcess.RunAsync(WorkloadSeconds, "cpu", settings);
            Assert.True(run.Completed, run.Output);

            // An interval in which the sampler rested the whole time has no samples and is not exported, so the
            // time measured over is the workload's run: the profiler ran at least that long (it starts before the
            // workers and stops after them), which if anything overstates the paused share.
            var measured = new Measured { DurationNs = WorkloadSeconds * 1_000_000_000L };
            foreach (string file in Directory.GetFiles(directory, "*.pb"))
            {
                var request = ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(file));
                ProfileInvariants.AssertValid(request);
                DecodedProfile cpu = OtlpDecoder.Decode(request).Single(p => p.PeriodType == "cpu/nanoseconds");
                measured.PausedNs += cpu.IntAttribute("dotnet.sampling.paused");
                measured.Ticks += cpu.IntAttribute("dotnet.sampling.ticks");
                measured.ProfilerCpuNs += cpu.IntAttribute("dotnet.profiler.cpu");
                measured.CpuSamples += cpu.Samples.Sum(s => s.Value);
            }

            Assert.True(measured.Ticks > 0 || overheadPercent is null, $"no samples without a budget\n{run.Output}");
            return (measured, run.Output);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private sealed class Measured
    {
        public long DurationNs { get; set; }

        public long PausedNs { get; set; }

        public long Ticks { get; set; }

        public long CpuSamples { get; set; }

        public long ProfilerCpuNs { get; set; }

        public double PausedFraction => (double)PausedNs / DurationNs;

        /// <summary>The profiler threads' CPU as the budget charges it: divided among the cores.</summary>
        public double ProfilerCpuFraction => (double)ProfilerCpuNs / Environment.ProcessorCount / DurationNs;

        public double CostFraction => PausedFraction + ProfilerCpuFraction;
    }
}
