namespace OtelProfiles.Collection;

/// <summary>
/// How the sampler reaches a target frequency: the runtime samples every managed thread once per sampling
/// interval (1 ms by default) whenever a session with the SampleProfiler is open, so the sampler is switched on
/// for a window of every period. Window = period × target / runtime frequency (100 Hz on a 1 kHz runtime is
/// 100 ms of every 1 s). The period is at least the window plus 100 ms, because stopping a session waits for
/// the runtime's 100 ms flush. A window of zero means the sampler rests for the whole period (its overhead budget
/// is spent; see <see cref="SamplerBudget"/>).
/// </summary>
internal readonly record struct DutyCycle(TimeSpan Window, TimeSpan Period)
{
    public const int MinimumWindowMs = 10;
    public const int StopLatencyAllowanceMs = 100;

    /// <summary>Sampling never stops (the target is at or above what a duty cycle can give).</summary>
    public bool Continuous => Window >= Period;

    /// <summary>The sampler stays off for this period.</summary>
    public bool Resting => Window <= TimeSpan.Zero;

    public static DutyCycle Rest(TimeSpan period) => new(TimeSpan.Zero, period);

    public static DutyCycle For(int targetFrequencyHz, TimeSpan period, long samplingIntervalNs)
    {
        double runtimeHz = samplingIntervalNs > 0 ? 1e9 / samplingIntervalNs : 1000;
        double fraction = Math.Clamp(targetFrequencyHz / runtimeHz, 0, 1);
        double windowMs = Math.Max(MinimumWindowMs, period.TotalMilliseconds * fraction);
        if (windowMs + StopLatencyAllowanceMs > period.TotalMilliseconds)
        {
            return new DutyCycle(period, period);
        }

        return new DutyCycle(TimeSpan.FromMilliseconds(windowMs), period);
    }
}
