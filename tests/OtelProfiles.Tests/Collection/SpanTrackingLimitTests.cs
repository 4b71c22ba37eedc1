using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// When span tracking alone has used the whole budget over a horizon of sampler periods, and only then, the sampler
/// turns span links off. Periods fed as the sampler's control thread measures them (2 cores, 1 s periods).
/// </summary>
public sealed class SpanTrackingLimitTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    [Fact]
    public void Tracking_that_uses_the_whole_allowance_over_a_horizon_reaches_the_limit_once()
    {
        var limit = new SpanTrackingLimit(Period, processorCount: 2);

        // 30 ms of tracking CPU a second on 2 cores is 1.5% of the cores, over an allowance of 1%.
        bool[] reached = [.. Enumerable.Range(0, 2 * SpanTrackingLimit.HorizonPeriods).Select(_ => limit.Observe(TimeSpan.FromMilliseconds(30), Period, 0.01))];

        Assert.Equal(SpanTrackingLimit.HorizonPeriods - 1, Array.IndexOf(reached, true));
        Assert.Single(reached, r => r);
        Assert.True(limit.Reached);
        Assert.Equal(0.015, limit.TrackingShareOfCores, 6);
    }

    [Fact]
    public void Tracking_below_the_allowance_a_burst_inside_a_horizon_or_an_unlimited_budget_never_reaches_it()
    {
        var below = new SpanTrackingLimit(Period, processorCount: 2);
        var burst = new SpanTrackingLimit(Period, processorCount: 2);
        var unlimited = new SpanTrackingLimit(Period, processorCount: 2);
        for (int i = 0; i < 10 * SpanTrackingLimit.HorizonPeriods; i++)
        {
            // 18 ms a second on 2 cores: 0.9% of the cores, under 1%.
            Assert.False(below.Observe(TimeSpan.FromMilliseconds(18), Period, 0.01));

            // Five seconds at 5% in every horizon of thirty, idle otherwise: 0.83% over the horizon.
            Assert.False(burst.Observe(TimeSpan.FromMilliseconds(i % SpanTrackingLimit.HorizonPeriods < 5 ? 100 : 0), Period, 0.01));
            Assert.False(unlimited.Observe(TimeSpan.FromMilliseconds(500), Period, 1));
        }

        Assert.False(below.Reached || burst.Reached || unlimited.Reached);
    }

    [Fact]
    public void The_allowance_follows_the_apps_utilization_as_the_budget_counts_it()
    {
        // An app using 5% of its cores allows 1% of 5%: a tracking cost that a busy app could afford is over it there.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);
        for (int i = 0; i < 40; i++)
        {
            budget.ObserveAppCpu(TimeSpan.FromMilliseconds(100), Period); // the allowance comes down half a step a period
        }

        Assert.Equal(0.0005, budget.AllowedShareOfCores, 6);

        var limit = new SpanTrackingLimit(budget.Period, processorCount: 2);
        bool reached = false;
        for (int i = 0; i < SpanTrackingLimit.HorizonPeriods; i++)
        {
            reached |= limit.Observe(TimeSpan.FromMilliseconds(2), Period, budget.AllowedShareOfCores);
        }

        Assert.True(reached, "0.1% of the cores on span tracking, against an allowance of 0.05%");
    }
}
