namespace OtelProfiles.Aggregation;

/// <summary>
/// A finished interval, handed from the collector to the builder: its samples and what the weight of one sample
/// is. Immutable from then on.
/// </summary>
/// <param name="Samples">The sample table (read-only from now on).</param>
/// <param name="StartUtc">Interval start.</param>
/// <param name="EndUtc">Interval end.</param>
/// <param name="SamplingIntervalNs">The runtime's sampling interval in force (from the trace header), in nanoseconds.</param>
/// <param name="SamplerPausedNs">How long the sampler kept the app's managed threads paused during the interval (its cost).</param>
/// <param name="SpanTrackingCpuNs">CPU time the app's threads spent keeping the profiler's span mirror current during the interval (an estimate: changes counted × the measured cost of one).</param>
/// <param name="ProfilerCpuNs">CPU time the profiler's own threads used during the interval (its other cost; zero where it cannot be read).</param>
/// <param name="Gc">How much longer the app's GC pauses were estimated to be with the profiler there, and what the budget allowed for it.</param>
internal sealed record IntervalSamples(SampleTable Samples, DateTime StartUtc, DateTime EndUtc, long SamplingIntervalNs, long SamplerPausedNs = 0, long ProfilerCpuNs = 0, long SpanTrackingCpuNs = 0, GcPauseExtra Gc = default)
{
    /// <summary>Wall-clock length of the interval in nanoseconds.</summary>
    public long DurationNs => Math.Max(0, (EndUtc - StartUtc).Ticks * 100);

    /// <summary>
    /// The time one sample stands for. Every tick of the sampler samples every managed thread once, so a thread
    /// that lived through the whole interval has one sample per tick: the interval's length divided by that
    /// count is the measured tick spacing. It equals the runtime's sampling interval scaled by the duty cycle
    /// (100 ms of every second at 1 ms → 10 ms) when the sampler keeps its pace, and stays honest when it does
    /// not (a loaded machine stretches ticks). Count × period estimates CPU or wall time.
    /// </summary>
    public long EffectivePeriodNs => TicksObserved > 0 ? DurationNs / TicksObserved : SamplingIntervalNs;

    /// <summary>Sampler ticks seen in the interval: the sample count of the most-sampled thread.</summary>
    public long TicksObserved => Samples.MaxSamplesPerThread;

    /// <summary>The share of the interval's wall-clock time the sampler kept the app paused (0.01 = 1%).</summary>
    public double SamplerPausedFraction => DurationNs > 0 ? (double)SamplerPausedNs / DurationNs : 0;

    /// <summary>Effective samples per second per thread (what a duty-cycled 1 kHz sampler really delivered).</summary>
    public double EffectiveFrequencyHz => DurationNs > 0 ? TicksObserved * 1e9 / DurationNs : 0;
}

/// <summary>
/// The extra GC pause an interval was charged (<see cref="Collection.GcPauseCharge"/>): the estimate, and the most
/// the budget allowed for it over the same periods (its allowance less the sampler's share).
/// </summary>
/// <param name="EstimatedNs">The estimated extra pause of the app's collections, in nanoseconds.</param>
/// <param name="AllowedNs">The most the budget would charge for it, in nanoseconds (0 when the budget limits nothing).</param>
internal readonly record struct GcPauseExtra(long EstimatedNs, long AllowedNs)
{
    /// <summary>Whether the estimate was more than the budget allowed for it (the sampler then kept only its share).</summary>
    public bool OverBudget => AllowedNs > 0 && EstimatedNs > AllowedNs;
}
