using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// A real app that spends a large share of its time in garbage collection (the workload's gcchurn mode: about a hundred
/// collections a second, each scanning the cards of a large old array). Its collections pause longer with the profiler
/// there, sampling or not; the budget must charge that, count it in the profiler's metric and profiles, and say once
/// when it alone is more than the budget holds.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class GcPausesOverBudgetTests
{
    private const int Seconds = 15;

    [Fact]
    public async Task Longer_gc_pauses_are_charged_counted_and_warned_about_once()
    {
        EventWorkload run = await EventWorkload.RunAsync("gcchurn", Seconds, "cpu");
        string output = run.Run.Output;

        // Said once (event 26, GcPausesOverBudget), with the setting that changes the budget.
        string[] warnings = [.. output.Split('\n').Where(l => l.Contains("OpenTelemetry.Profiles[26]", StringComparison.Ordinal))];
        Assert.True(warnings.Length == 1, $"{warnings.Length} warnings about the GC pauses\n{output}");
        Assert.Contains("OTEL_PROFILES_SAMPLING_OVERHEAD", warnings[0], StringComparison.Ordinal);

        // The profiler's metric totals the estimate: the charged share of the pauses the process counted over the churn,
        // at most the most per collection. Per sampler period the cap can only lower it; the profiler began counting
        // before the churn, so a little more is possible.
        long collections = run.Truth("collections");
        double pausedNs = run.Truth("paused_ns");
        double estimatedNs = run.Truth("gc_extra_ns");
        double expectedNs = Math.Min(pausedNs * GcPauseCharge.ExtraShareOfPause, GcPauseCharge.MaxExtraPerCollection.Ticks * 100.0 * collections);
        Assert.True(estimatedNs >= expectedNs * 0.6 && estimatedNs <= expectedNs * 1.1,
            $"estimated {estimatedNs / 1e6:0.#} ms of extra pause, expected {expectedNs / 1e6:0.#} ms from {collections} collections pausing {pausedNs / 1e6:0.#} ms\n{output}");

        // ...and each exported profile carries its interval's part. (That the sampler goes on with its quarter of the
        // budget is SamplerBudgetTests' to show: on this app a tick pauses it 5–12 ms, and one costly window can take a
        // minute of the sampler's share to repay.)
        List<DecodedProfile> cpu = run.OfType("cpu/nanoseconds", "cpu/nanoseconds");
        Assert.All(cpu, p => Assert.True(p.IntAttribute(ExportRequestBuilder.GcPauseExtraAttribute) > 0, "a profile without its interval's extra GC pause"));
    }
}
