namespace OtelProfiles.Collection;

/// <summary>
/// Plans each period's sampler window from two limits: the target frequency and the overhead budget. Every tick
/// of the runtime's sampler pauses all managed threads; how long depends on the app (a quiet single thread pauses
/// ~0.3 ms, threads that outnumber the cores or sit in native math code can stretch a pause to 10 ms or more), so
/// a fixed window cannot promise a cost. The budget is a token bucket of pause time: it fills at
/// <c>maxPausedFraction</c> of wall-clock time, each window is sized to what the bucket holds at the pause per tick
/// measured so far, and afterwards the pauses really measured (<see cref="SamplerPauseMeter"/>) are taken out, so a
/// misjudged window is paid back by shorter or skipped ones and the long-run pause share stays within the budget.
/// The CPU the profiler's own threads use (decoding, aggregating, exporting) is taken out of the same bucket
/// (<see cref="ChargeProfilerCpu"/>), and so is the estimated extra length of the app's own GC pauses with the
/// profiler there (<see cref="ChargeGcPauses"/>), so the budget bounds what profiling costs, not only what its
/// pauses cost.
/// <para>
/// The budget is a share of what the app itself uses, not of the machine: the bucket fills at
/// <c>maxPausedFraction</c> × the share of its cores the app kept busy in the last periods
/// (<see cref="ObserveAppCpu"/>; <see cref="Environment.ProcessorCount"/> already honours a container's CPU limit),
/// never below <see cref="MinimumUtilization"/>. An app that keeps every core busy gets the whole 1%; an idle app
/// gets 1% of 5% of its cores, so profiling an idle app costs next to nothing instead of the budget's ceiling.
/// </para>
/// Used by the sampler's control thread only.
/// </summary>
internal sealed class SamplerBudget
{
    /// <summary>Fewer ticks than this in a window would cost a session start and stop for almost nothing.</summary>
    public const int MinimumTicksPerWindow = 2;

    /// <summary>
    /// The smallest share of its cores an app is assumed to use: an idle app still gets a few windows a minute, so
    /// a request that arrives is seen, and the budget's allowance then follows its CPU within a couple of periods.
    /// </summary>
    public const double MinimumUtilization = 0.05;

    /// <summary>
    /// The share of the budget the sampler keeps whatever the GC pauses are estimated to cost
    /// (<see cref="ChargeGcPauses"/>): the profiler's presence costs the same with or without samples, and a budget
    /// spent on it in full would leave an app that allocates a lot with that cost and no CPU profile.
    /// </summary>
    public const double SamplerMinimumShare = 0.25;

    private readonly int _targetFrequencyHz;
    private readonly TimeSpan _period;
    private readonly double _maxPausedFraction;
    private readonly int _processorCount;

    // The rate the bucket fills at: the budget, at most all of the time.
    private readonly double _fillRate;
    private TimeSpan _credit;
    private TimeSpan? _lastRefill;
    private TimeSpan _pausePerTick;
    private TimeSpan _tickSpacing;
    private bool _measured;
    private double _utilization = 1;

    /// <param name="targetFrequencyHz">Samples per second and thread wanted.</param>
    /// <param name="period">The duty-cycle period (one window at most per period).</param>
    /// <param name="maxPausedFraction">The share of wall-clock time profiling may cost the app (0.01 = 1%); 1 or more: no limit.</param>
    /// <param name="processorCount">The cores the app can use (<see cref="Environment.ProcessorCount"/>): converts the profiler threads' CPU into paused-time equivalents.</param>
    public SamplerBudget(int targetFrequencyHz, TimeSpan period, double maxPausedFraction, int processorCount = 0)
    {
        _targetFrequencyHz = targetFrequencyHz;
        _period = period;
        _maxPausedFraction = maxPausedFraction;
        _processorCount = processorCount > 0 ? processorCount : Environment.ProcessorCount;
        _fillRate = Math.Min(1, maxPausedFraction);

        // One period's allowance to begin with: enough for a first, measuring window.
        _credit = period * _fillRate;
    }

    /// <summary>
    /// The share of its cores the app used lately, as the budget counts it: at least <see cref="MinimumUtilization"/>,
    /// and 1 until <see cref="ObserveAppCpu"/> is first called.
    /// </summary>
    public double Utilization => Math.Max(MinimumUtilization, _utilization);

    /// <summary>
    /// Tells the budget how much CPU the app's own threads used over <paramref name="elapsed"/> (the process's CPU
    /// minus the profiler's). The allowance follows it: up at once when the app gets busy (a burst of requests is
    /// worth profiling), down by half a step per period when it quiets down (one quiet second is not idleness).
    /// </summary>
    public void ObserveAppCpu(TimeSpan appCpu, TimeSpan elapsed)
    {
        if (elapsed <= TimeSpan.Zero)
        {
            return;
        }

        double busy = Math.Clamp(appCpu / elapsed / _processorCount, 0, 1);
        _utilization = busy >= _utilization ? busy : (_utilization + busy) / 2;
    }

    /// <summary>The duty-cycle period.</summary>
    public TimeSpan Period => _period;

    /// <summary>
    /// The share of the cores the budget allows profiling now (its fill rate at the present utilization); 1 when it
    /// limits nothing.
    /// </summary>
    public double AllowedShareOfCores => Limited ? _fillRate * Utilization : 1;

    /// <summary>Whether the budget limits anything (a fraction of 1 lets the target alone decide).</summary>
    public bool Limited => _maxPausedFraction < 1;

    /// <summary>The pause time available now (negative after a window that cost more than was saved up).</summary>
    public TimeSpan Credit => _credit;

    /// <summary>The measured pause per tick (zero before the first window).</summary>
    public TimeSpan PausePerTick => _measured ? _pausePerTick : TimeSpan.Zero;

    /// <summary>The next period's window, given the time on a monotonic clock and the runtime's sampling interval.</summary>
    public DutyCycle Plan(TimeSpan now, long samplingIntervalNs)
    {
        DutyCycle wanted = DutyCycle.For(_targetFrequencyHz, _period, samplingIntervalNs);
        Refill(now);
        if (!Limited)
        {
            return wanted;
        }

        if (!_measured)
        {
            // Nothing is known of this app's pauses yet: a shortest window measures them at a cost that is
            // affordable almost anywhere (a few ticks), and the windows after it are sized from what it saw.
            return _credit > TimeSpan.Zero ? new DutyCycle(TimeSpan.FromMilliseconds(DutyCycle.MinimumWindowMs), _period) : DutyCycle.Rest(_period);
        }

        TimeSpan spacing = _tickSpacing;
        TimeSpan pause = _pausePerTick;
        double wantedTicks = Math.Min(_targetFrequencyHz * _period.TotalSeconds, _period / spacing);
        double affordableTicks = _credit > TimeSpan.Zero ? _credit / pause : 0;
        double ticks = Math.Min(wantedTicks, affordableTicks);
        if (ticks < MinimumTicksPerWindow)
        {
            return DutyCycle.Rest(_period);
        }

        TimeSpan window = TimeSpan.FromMilliseconds(Math.Max(DutyCycle.MinimumWindowMs, (spacing * ticks).TotalMilliseconds));
        TimeSpan longest = _period - TimeSpan.FromMilliseconds(DutyCycle.StopLatencyAllowanceMs);
        if (window <= longest)
        {
            return new DutyCycle(window, _period);
        }

        // Room for the whole period: never stop (stopping costs a flush). Otherwise the longest window a period has.
        bool wholePeriodAffordable = affordableTicks >= _period / spacing;
        return wanted.Continuous && wholePeriodAffordable ? new DutyCycle(_period, _period) : new DutyCycle(longest, _period);
    }

    /// <summary>Charges a finished window: its measured pauses, over <paramref name="window"/> of sampling.</summary>
    public void Spend(SamplerPauses pauses, TimeSpan window)
    {
        if (pauses.Count == 0)
        {
            // No tick was measured (a window cut short): nothing learned, nothing to charge.
            return;
        }

        _credit -= pauses.Total;
        TimeSpan spacing = window / pauses.Count;
        if (!_measured)
        {
            _pausePerTick = pauses.PerTick;
            _tickSpacing = spacing;
            _measured = true;
            return;
        }

        // Halfway towards the newest window: follows a change of load within a few periods, damps one odd window.
        _pausePerTick = (_pausePerTick + pauses.PerTick) / 2;
        _tickSpacing = (_tickSpacing + spacing) / 2;
    }

    /// <summary>
    /// Charges CPU time the profiler's own threads used. A pause stops the whole app for its length; a core's worth
    /// of the profiler's CPU takes, in an app that keeps every core busy, one core out of
    /// <c>processorCount</c>: so <paramref name="cpu"/> / cores is charged as pause time. The debt this can run up
    /// is capped at two periods' allowance: a burst (the first export after start, a big profile) delays the
    /// sampler for a couple of periods at most, while CPU use that lasts keeps the bucket empty for as long as it lasts.
    /// </summary>
    public void ChargeProfilerCpu(TimeSpan cpu)
    {
        if (!Limited || cpu <= TimeSpan.Zero)
        {
            return;
        }

        TakeOutCapped(cpu / _processorCount);
        ProfilerCpuCharged += cpu;
    }

    /// <summary>
    /// Charges a pause of the whole app the profiler caused outside the sampler's windows (a collection of the
    /// garbage it left, <see cref="IdleGarbageCollection"/>), as it is: with the same floor as the profiler's CPU.
    /// </summary>
    public void ChargePause(TimeSpan pause)
    {
        if (Limited && pause > TimeSpan.Zero)
        {
            TakeOutCapped(pause);
        }
    }

    // Takes pause time out of the bucket, but runs up no more debt than two periods' allowance.
    private void TakeOutCapped(TimeSpan pause)
    {
        TimeSpan floor = -(_period * (2 * _fillRate));
        TimeSpan charged = _credit - pause;
        _credit = charged >= floor ? charged : (_credit < floor ? _credit : floor);
    }

    /// <summary>The CPU time charged so far: the profiler threads', and the span mirror's on the app's threads.</summary>
    public TimeSpan ProfilerCpuCharged { get; private set; }

    /// <summary>
    /// Charges the extra GC pause estimated over <paramref name="elapsed"/> (<see cref="GcPauseCharge"/>) as pause
    /// time: a collection stops every thread of the app, like a tick. At most the budget's allowance over
    /// <paramref name="elapsed"/> less the sampler's share (<see cref="SamplerMinimumShare"/>) is taken; returns that
    /// most, so the caller can tell when the estimate was more than the budget holds (null when the budget limits
    /// nothing).
    /// </summary>
    public TimeSpan? ChargeGcPauses(TimeSpan extra, TimeSpan elapsed)
    {
        if (!Limited || elapsed <= TimeSpan.Zero)
        {
            return null;
        }

        TimeSpan allowance = elapsed * (_fillRate * Utilization * (1 - SamplerMinimumShare));
        if (extra > TimeSpan.Zero)
        {
            TimeSpan charged = extra < allowance ? extra : allowance;
            _credit -= charged;
            GcPausesCharged += charged;
        }

        return allowance;
    }

    /// <summary>The estimated extra GC pause charged so far.</summary>
    public TimeSpan GcPausesCharged { get; private set; }

    private void Refill(TimeSpan now)
    {
        if (_lastRefill is { } last && now > last)
        {
            // Saving up is capped at two periods' allowance (but always enough for a minimal window), so a long
            // quiet spell cannot be spent in one burst of pauses.
            TimeSpan cap = _period * (2 * _fillRate);
            if (_measured && _pausePerTick * MinimumTicksPerWindow > cap)
            {
                cap = _pausePerTick * MinimumTicksPerWindow;
            }

            TimeSpan refilled = _credit + ((now - last) * (_fillRate * Utilization));
            _credit = refilled < cap ? refilled : (_credit > cap ? _credit : cap);
        }

        _lastRefill = now;
    }
}
