using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// A real app that spends a large share of its time in garbage collection (the workload's gcchurn mode: hundreds of
/// collections a second, each scanning the cards of a large old array). Its collections pause longer with the profiler
/// there, sampling or not; the budget must charge that, say once when it alone is more than the budget holds, and
/// keep sampling within the share the sampler keeps.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class GcPausesOverBudgetTests
{
    private const string ChurnLoop = "GcChurn.Run";
    private const int Seconds = 24;

    [Fact]
    public async Task Longer_gc_pauses_are_charged_warned_about_once_and_sampling_goes_on()
    {
        EventWorkload run = await EventWorkload.RunAsync("gcchurn", Seconds, "cpu");
        string output = run.Run.Output;

        // Said once, with the setting that changes the budget.
        string[] warnings = [.. output.Split('\n').Where(l => l.Contains("garbage collections pause an estimated", StringComparison.Ordinal))];
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

        // ...and each exported profile carries its interval's part.
        List<DecodedProfile> cpu = run.OfType("cpu/nanoseconds", "cpu/nanoseconds");
        Assert.All(cpu, p => Assert.True(p.IntAttribute(ExportRequestBuilder.GcPauseExtraAttribute) > 0, "a profile without its interval's extra GC pause"));

        // The sampler keeps its share of the budget: the churn is still sampled, in its second half too (charged in
        // full, the estimate would leave the sampler no credit after its first, measuring window).
        long secondHalf = run.Truth("started") + (long)TimeSpan.FromSeconds(Seconds / 2.0).TotalNanoseconds;
        int InChurn(IEnumerable<DecodedProfile> profiles) => profiles.SelectMany(p => p.Samples).Count(s => s.Frames.Any(f => f.Name.EndsWith(ChurnLoop, StringComparison.Ordinal)));
        string perProfile = string.Join(", ", cpu.OrderBy(p => p.StartUnixNano).Select(p => $"{(p.StartUnixNano - secondHalf) / 1_000_000} ms: {InChurn([p])} (profiler cpu {p.IntAttribute(ExportRequestBuilder.ProfilerCpuAttribute) / 1_000_000} ms, paused {p.IntAttribute(ExportRequestBuilder.SamplerPausedAttribute) / 1_000_000} ms)"));
        List<DecodedProfile> late = [.. cpu.Where(p => p.StartUnixNano >= secondHalf)];
        long lateTicks = late.Sum(p => p.IntAttribute(ExportRequestBuilder.SamplingTicksAttribute));
        Assert.True(lateTicks >= SamplerBudget.MinimumTicksPerWindow && InChurn(late) >= 1, $"{lateTicks} ticks in the second half; samples in {ChurnLoop} per profile: {perProfile}\n{output}");
    }
}
