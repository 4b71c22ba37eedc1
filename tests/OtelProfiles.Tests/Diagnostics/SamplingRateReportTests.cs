using Microsoft.Extensions.Logging;
using OtelProfiles.Aggregation;
using OtelProfiles.ProfileSources.Sampler;

namespace OtelProfiles.Tests.Diagnostics;

public sealed class SamplingRateReportTests
{
    private static readonly DateTime Start = new(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A 10 s interval in which one thread got <paramref name="ticks"/> samples and the sampler paused the app <paramref name="pausedMs"/>.</summary>
    private static IntervalSamples Interval(int ticks, double pausedMs) =>
        new(Samples(ticks), Start, Start.AddSeconds(10), 1_000_000, (long)(pausedMs * 1e6));

    [Fact]
    public void A_budget_bound_rate_is_explained_once_with_the_pause_per_sample_and_the_setting()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1);

        report.Observe(Interval(ticks: 3, pausedMs: 0.9));  // the start: a short measuring window, few pauses
        Assert.Empty(logger.Entries);

        report.Observe(Interval(ticks: 14, pausedMs: 98));  // 1.4 Hz, 7 ms per sample, ~1% paused
        report.Observe(Interval(ticks: 12, pausedMs: 96));

        AssertLoggedOnce(logger, "SamplingRateLimited", "sampling reaches 1.4 Hz per thread of the 100 Hz wanted", "7 ms on average", "the overhead budget is 1% (OTEL_PROFILES_SAMPLING_OVERHEAD)");
    }

    [Fact]
    public void A_rate_held_down_by_span_tracking_names_span_links_and_not_the_pauses()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        // 10 s on 2 cores: span tracking took 120 ms of the app's threads (0.6% of the cores), the sampler's pauses
        // 8 ms and its threads 40 ms of CPU. The budget charges 60 ms for tracking against 28 ms for the rest.
        for (int i = 0; i < 2; i++)
        {
            report.Observe(Tracked(ticks: 20, trackingMs: 120, pausedMs: 8, profilerMs: 40));
        }

        AssertLoggedOnce(logger, "SamplingRateLimitedBySpanTracking", "sampling reaches 2 Hz per thread of the 100 Hz wanted", "costs 0.6% of the cores", "OTEL_PROFILES_SPAN_LINKS=none");
    }

    [Fact]
    public void A_sampler_that_span_tracking_stopped_altogether_is_explained_too()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        report.Observe(Tracked(ticks: 0, trackingMs: 400));

        Assert.Equal("SamplingRateLimitedBySpanTracking", Assert.Single(logger.Entries).EventId.Name);
    }

    [Fact]
    public void An_idle_app_s_few_spans_are_not_blamed_for_its_low_rate()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        // 10 µs of tracking in 10 s: far below even an idle app's allowance.
        report.Observe(Tracked(ticks: 2, trackingMs: 0.01));

        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void A_rate_held_down_by_the_longer_gc_pauses_names_them()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        // 10 s: collections estimated 50 ms longer (0.5% of the time, within the budget's three quarters), the sampler's
        // pauses 20 ms and its threads 20 ms of CPU (10 ms charged).
        for (int i = 0; i < 2; i++)
        {
            report.Observe(Collecting(ticks: 20, gcExtraMs: 50, gcAllowedMs: 75, pausedMs: 20, profilerMs: 20));
        }

        AssertLoggedOnce(logger, "SamplingRateLimitedByGcPauses", "sampling reaches 2 Hz per thread", "an estimated 0.5% of the time longer", "OTEL_PROFILES_SAMPLING_OVERHEAD");
    }

    [Fact]
    public void Gc_pauses_over_the_budget_are_warned_about_once_and_not_explained_again()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        // Collections estimated 200 ms longer in 10 s (2% of the time) where the budget held 75 ms for them.
        report.Observe(Collecting(ticks: 4, gcExtraMs: 200, gcAllowedMs: 75, pausedMs: 20));
        report.Observe(Collecting(ticks: 4, gcExtraMs: 200, gcAllowedMs: 75, pausedMs: 20));

        AssertLoggedOnce(logger, "GcPausesOverBudget", "an estimated 2% of the time longer", "overhead budget of 1% (OTEL_PROFILES_SAMPLING_OVERHEAD)");
        Assert.Equal(LogLevel.Warning, logger.Entries[0].Level);
    }

    [Fact]
    public void Gc_pauses_within_what_the_budget_holds_for_them_are_no_warning()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1, processorCount: 2);

        report.Observe(Collecting(ticks: 800, gcExtraMs: 70, gcAllowedMs: 75, pausedMs: 20));

        Assert.Empty(logger.Entries);
    }

    /// <summary>A 10 s interval with the GC's estimated extra and what the budget held for it, the sampler's pauses and its threads' CPU, in milliseconds.</summary>
    private static IntervalSamples Collecting(int ticks, double gcExtraMs, double gcAllowedMs, double pausedMs = 0, double profilerMs = 0) =>
        new(Samples(ticks), Start, Start.AddSeconds(10), 1_000_000, (long)(pausedMs * 1e6), (long)(profilerMs * 1e6), Gc: new GcPauseExtra((long)(gcExtraMs * 1e6), (long)(gcAllowedMs * 1e6)));

    private static void AssertLoggedOnce(RecordingLogger logger, string eventName, params string[] fragments)
    {
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(eventName, entry.EventId.Name);
        Assert.All(fragments, fragment => Assert.Contains(fragment, entry.Message));
    }

    /// <summary>A 10 s interval with span tracking's CPU, the sampler's pauses and its threads' CPU, in milliseconds.</summary>
    private static IntervalSamples Tracked(int ticks, double trackingMs, double pausedMs = 0, double profilerMs = 0) =>
        new(Samples(ticks), Start, Start.AddSeconds(10), 1_000_000, (long)(pausedMs * 1e6), (long)(profilerMs * 1e6), (long)(trackingMs * 1e6));

    private static SampleTable Samples(int ticks)
    {
        var table = new SampleTable();
        for (int i = 0; i < ticks; i++)
        {
            table.Record([0x1000UL, 0x2000UL], threadId: 7, runningManagedCode: true);
        }

        return table;
    }

    [Fact]
    public void A_rate_near_the_target_says_nothing()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1);

        report.Observe(Interval(ticks: 800, pausedMs: 80));
        report.Observe(Interval(ticks: 800, pausedMs: 80)); // 80 Hz, 0.8% paused

        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void A_low_rate_the_budget_does_not_explain_says_nothing()
    {
        // Few samples but almost no pause: the sampler was not held back by the budget (for example it was just
        // switched on); blaming the budget would mislead.
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 1);

        report.Observe(Interval(ticks: 10, pausedMs: 2));
        report.Observe(Interval(ticks: 10, pausedMs: 2));

        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void Without_a_budget_there_is_nothing_to_explain()
    {
        var logger = new RecordingLogger();
        var report = new SamplingRateReport(logger, targetHz: 100, budgetPercent: 100);

        report.Observe(Interval(ticks: 10, pausedMs: 900));
        report.Observe(Interval(ticks: 10, pausedMs: 900));

        Assert.Empty(logger.Entries);
    }
}
