using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// The sampler budget against simulated apps whose ticks pause them for a known time: the sampler must reach the
/// target where pauses are cheap, and keep the share of paused time within the budget where they are not.
/// </summary>
public sealed class SamplerBudgetTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private const long OneMillisecondNs = 1_000_000;

    [Fact]
    public void Cheap_ticks_reach_the_target_frequency_within_the_budget()
    {
        // A quiet app: a tick every 1.05 ms pausing it 20 µs. 100 Hz costs 0.2%, well inside 1%.
        var budget = new SamplerBudget(100, Period, 0.01);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(0.02), TimeSpan.FromMilliseconds(1.05), periods: 60);

        Assert.InRange(run.TicksPerSecondAfter(5), 90, 110);
        Assert.True(run.PausedFraction <= 0.01, $"paused {run.PausedFraction:P2}");
    }

    [Theory]
    [InlineData(0.3, 1.35)]   // one busy thread: ~0.3 ms per pause, 1% allows ~33 ticks a second
    [InlineData(2.0, 3.0)]    // threads outnumber the cores
    [InlineData(8.0, 9.5)]    // the oversubscribed CPU workload of the benchmarks
    public void Expensive_ticks_are_rationed_to_the_budget(double pauseMs, double spacingMs)
    {
        var budget = new SamplerBudget(100, Period, 0.01);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(pauseMs), TimeSpan.FromMilliseconds(spacingMs), periods: 120);

        // Over two minutes the paused share is the budget (the first, guessed window may overshoot a little).
        Assert.InRange(run.PausedFraction, 0.007, 0.0115);

        // ...and the sampler still samples: about budget / pause ticks a second.
        double expectedHz = 0.01 * 1000 / pauseMs;
        Assert.InRange(run.TicksPerSecondAfter(10), expectedHz * 0.6, expectedHz * 1.3);
    }

    [Fact]
    public void Ticks_longer_than_a_period_s_allowance_still_sample_now_and_then()
    {
        // 30 ms per pause against 10 ms a second: a minimal window every few periods, never none at all.
        var budget = new SamplerBudget(100, Period, 0.01);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(31), periods: 120);

        Assert.True(run.Windows >= 10, $"only {run.Windows} windows in 120 periods");
        Assert.True(run.PausedFraction <= 0.0125, $"paused {run.PausedFraction:P2}");
    }

    [Fact]
    public void A_budget_spent_by_a_load_spike_is_paid_back_and_the_rate_recovers_after()
    {
        var budget = new SamplerBudget(100, Period, 0.01);
        var cheap = (Pause: TimeSpan.FromMilliseconds(0.02), Spacing: TimeSpan.FromMilliseconds(1.05));
        var spike = (Pause: TimeSpan.FromMilliseconds(10), Spacing: TimeSpan.FromMilliseconds(11));

        Simulate(budget, cheap.Pause, cheap.Spacing, periods: 10);
        SimulatedRun during = Simulate(budget, spike.Pause, spike.Spacing, periods: 30, startAt: TimeSpan.FromSeconds(10));
        SimulatedRun after = Simulate(budget, cheap.Pause, cheap.Spacing, periods: 30, startAt: TimeSpan.FromSeconds(40));

        Assert.True(during.PausedFraction <= 0.013, $"paused {during.PausedFraction:P2} during the spike");
        Assert.InRange(after.TicksPerSecondAfter(5), 90, 110);
    }

    [Fact]
    public void Without_a_limit_the_target_alone_decides()
    {
        var budget = new SamplerBudget(100, Period, 1.0);

        DutyCycle cycle = budget.Plan(TimeSpan.Zero, OneMillisecondNs);
        budget.Spend(new SamplerPauses(10, TimeSpan.FromMilliseconds(100)), TimeSpan.FromMilliseconds(100));

        Assert.False(budget.Limited);
        Assert.Equal(DutyCycle.For(100, Period, OneMillisecondNs), cycle);
        Assert.Equal(DutyCycle.For(100, Period, OneMillisecondNs), budget.Plan(Period, OneMillisecondNs));
    }

    [Fact]
    public void A_target_beyond_what_windows_give_runs_continuously_when_the_budget_allows()
    {
        // 1000 Hz wanted, pauses of 1 µs: sampling never stops.
        var budget = new SamplerBudget(1000, Period, 0.05);
        Simulate(budget, TimeSpan.FromMilliseconds(0.001), TimeSpan.FromMilliseconds(1.0), periods: 5);

        Assert.True(budget.Plan(TimeSpan.FromSeconds(5), OneMillisecondNs).Continuous);
    }

    [Fact]
    public void A_window_that_measured_nothing_charges_nothing()
    {
        var budget = new SamplerBudget(100, Period, 0.01);
        budget.Plan(TimeSpan.Zero, OneMillisecondNs);
        TimeSpan before = budget.Credit;

        budget.Spend(new SamplerPauses(0, TimeSpan.Zero), TimeSpan.FromMilliseconds(40));

        Assert.Equal(before, budget.Credit);
        Assert.Equal(TimeSpan.Zero, budget.PausePerTick);
    }

    [Fact]
    public void The_profiler_threads_cpu_is_charged_as_its_share_of_the_cores_and_the_pauses_make_room()
    {
        // Expensive ticks (the budget binds) and profiler threads using 10 ms of CPU a second on 2 cores: worth 5 ms
        // of pause a second, half of the 1% budget, so the pauses get the other half.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.35), periods: 120, profilerCpuPerPeriod: TimeSpan.FromMilliseconds(10));

        Assert.InRange(run.PausedFraction, 0.003, 0.0065);
        Assert.Equal(TimeSpan.FromMilliseconds(10) * 120, budget.ProfilerCpuCharged);
        double expectedHz = 0.005 * 1000 / 0.3;
        Assert.InRange(run.TicksPerSecondAfter(10), expectedHz * 0.6, expectedHz * 1.3);
    }

    [Fact]
    public void A_pause_the_profiler_caused_is_charged_as_it_is_up_to_the_floor_and_is_not_counted_as_its_cpu()
    {
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);
        budget.Plan(TimeSpan.Zero, OneMillisecondNs);
        TimeSpan before = budget.Credit;

        budget.ChargePause(TimeSpan.FromMilliseconds(3));
        Assert.Equal(before - TimeSpan.FromMilliseconds(3), budget.Credit);
        Assert.Equal(TimeSpan.Zero, budget.ProfilerCpuCharged);

        // No more debt than two periods' allowance, as for the profiler's CPU.
        budget.ChargePause(TimeSpan.FromSeconds(5));
        Assert.Equal(-(Period * 0.02), budget.Credit);
    }

    [Fact]
    public void A_burst_of_profiler_cpu_delays_the_sampler_for_a_few_periods_only()
    {
        // The first export after start, say: 4 s of CPU at once on 2 cores would be 2 s of pause, 200 s of a 1%
        // budget; the debt is capped at two periods' allowance instead.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);
        Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.35), periods: 10);

        budget.ChargeProfilerCpu(TimeSpan.FromSeconds(4));
        Assert.Equal(-(Period * 0.02), budget.Credit);
        SimulatedRun after = Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.35), periods: 10, startAt: TimeSpan.FromSeconds(10));

        // 10 ms of allowance a period pays the 20 ms debt back in two; sampling resumes in the third.
        int firstWindow = after.TicksPerPeriod.FindIndex(t => t > 0);
        Assert.InRange(firstWindow, 2, 4);
        Assert.InRange(after.TicksPerSecondAfter(4), 20, 45);
    }

    [Fact]
    public void Without_a_limit_profiler_cpu_changes_nothing()
    {
        var budget = new SamplerBudget(100, Period, 1.0, processorCount: 2);
        TimeSpan before = budget.Credit;

        budget.ChargeProfilerCpu(TimeSpan.FromSeconds(1));

        Assert.Equal(before, budget.Credit);
        Assert.Equal(DutyCycle.For(100, Period, OneMillisecondNs), budget.Plan(Period, OneMillisecondNs));
    }

    [Fact]
    public void An_idle_app_gets_a_sliver_of_the_budget_not_its_ceiling()
    {
        // Cheap ticks would reach 100 Hz within 1% of the time; an app that uses none of its 2 cores gets 5% of
        // that allowance: 0.05% of the time at most, a few windows a minute.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.05), periods: 120, appBusyCores: 0);

        Assert.Equal(SamplerBudget.MinimumUtilization, budget.Utilization, 3);
        Assert.True(run.PausedFraction <= 0.01 * SamplerBudget.MinimumUtilization * 1.3, $"paused {run.PausedFraction:P3}");
        Assert.True(run.Windows >= 5, $"only {run.Windows} windows in 120 periods: an idle app must still be sampled now and then");
    }

    [Fact]
    public void The_allowance_follows_the_app_up_at_once_and_down_gradually()
    {
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);
        Simulate(budget, TimeSpan.FromMilliseconds(0.02), TimeSpan.FromMilliseconds(1.05), periods: 30, appBusyCores: 0);

        // A burst of requests keeps both cores busy: full allowance from the next period, cheap ticks reach the target.
        SimulatedRun busy = Simulate(budget, TimeSpan.FromMilliseconds(0.02), TimeSpan.FromMilliseconds(1.05), periods: 20, startAt: TimeSpan.FromSeconds(30), appBusyCores: 2);
        Assert.Equal(1, budget.Utilization, 3);
        Assert.InRange(busy.TicksPerSecondAfter(3), 90, 110);

        // One quiet period halves the share instead of dropping it to the floor.
        budget.ObserveAppCpu(TimeSpan.Zero, Period);
        Assert.Equal(0.5, budget.Utilization, 3);
    }

    [Fact]
    public void The_longer_gc_pauses_are_charged_as_pauses_and_the_sampler_gets_the_rest()
    {
        // Collections 4 ms a second longer with the profiler there: 0.4% of the time, so the sampler's ticks get 0.6%.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.35), periods: 120, gcExtraPerPeriod: TimeSpan.FromMilliseconds(4));

        Assert.InRange(run.PausedFraction, 0.0045, 0.0068);
        Assert.Equal(TimeSpan.FromMilliseconds(4) * 120, budget.GcPausesCharged);
        Assert.All(run.GcAllowances, a => Assert.Equal(Period * (0.01 * (1 - SamplerBudget.SamplerMinimumShare)), a));
    }

    [Fact]
    public void Gc_pauses_longer_than_the_budget_leave_the_sampler_its_share_and_say_so()
    {
        // 20 ms a second longer: twice the whole 1% budget. Charging it all would stop the sampler for good, leaving the
        // cost and no profile; the sampler keeps its quarter instead, and the allowance returned tells the caller.
        var budget = new SamplerBudget(100, Period, 0.01, processorCount: 2);

        SimulatedRun run = Simulate(budget, TimeSpan.FromMilliseconds(0.3), TimeSpan.FromMilliseconds(1.35), periods: 120, gcExtraPerPeriod: TimeSpan.FromMilliseconds(20));

        Assert.InRange(run.PausedFraction, 0.01 * SamplerBudget.SamplerMinimumShare * 0.7, 0.01 * SamplerBudget.SamplerMinimumShare * 1.3);
        Assert.All(run.GcAllowances, a => Assert.True(a < TimeSpan.FromMilliseconds(20)));
        Assert.Equal(Period * (0.01 * (1 - SamplerBudget.SamplerMinimumShare)) * 120, budget.GcPausesCharged);
        Assert.True(run.TicksPerSecondAfter(10) > 0);
    }

    [Fact]
    public void Without_a_limit_gc_pauses_change_nothing()
    {
        var budget = new SamplerBudget(100, Period, 1.0, processorCount: 2);
        TimeSpan before = budget.Credit;

        Assert.Null(budget.ChargeGcPauses(TimeSpan.FromSeconds(1), Period));

        Assert.Equal(before, budget.Credit);
        Assert.Equal(TimeSpan.Zero, budget.GcPausesCharged);
    }

    private static SimulatedRun Simulate(SamplerBudget budget, TimeSpan pause, TimeSpan spacing, int periods, TimeSpan startAt = default, TimeSpan profilerCpuPerPeriod = default, double? appBusyCores = null, TimeSpan gcExtraPerPeriod = default)
    {
        var run = new SimulatedRun();
        for (int i = 0; i < periods; i++)
        {
            if (appBusyCores is { } cores)
            {
                budget.ObserveAppCpu(Period * cores, Period);
            }

            budget.ChargeProfilerCpu(profilerCpuPerPeriod);
            if (gcExtraPerPeriod > TimeSpan.Zero)
            {
                run.GcAllowances.Add(budget.ChargeGcPauses(gcExtraPerPeriod, Period));
            }

            DutyCycle cycle = budget.Plan(startAt + Period * i, OneMillisecondNs);
            int ticks = 0;
            if (!cycle.Resting)
            {
                TimeSpan window = cycle.Continuous ? cycle.Period : cycle.Window;
                ticks = (int)(window / spacing);
                budget.Spend(new SamplerPauses(ticks, pause * ticks), window);
                run.Windows++;
            }

            run.TicksPerPeriod.Add(ticks);
            run.Paused += pause * ticks;
        }

        run.Duration = Period * periods;
        return run;
    }

    private sealed class SimulatedRun
    {
        public List<int> TicksPerPeriod { get; } = [];

        public List<TimeSpan?> GcAllowances { get; } = [];

        public int Windows { get; set; }

        public TimeSpan Paused { get; set; }

        public TimeSpan Duration { get; set; }

        public double PausedFraction => Paused / Duration;

        /// <summary>Ticks per second once the first <paramref name="settle"/> periods are over.</summary>
        public double TicksPerSecondAfter(int settle) =>
            TicksPerPeriod.Skip(settle).Average() / Period.TotalSeconds;
    }
}
