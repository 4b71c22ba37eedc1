namespace OtelProfiles.Collection;

/// <summary>
/// Decides when span tracking alone has used the whole overhead budget for long enough that it must stop. Keeping
/// span links current costs the app's threads at every change of <c>Activity.Current</c>, and sampling less cannot pay
/// that back: on an app with very many short spans per unit of CPU, the budget would go to tracking and the sampler
/// would rest for good, so the profiler would cost its whole budget and profile nothing. Past this limit the run turns
/// span links off (<see cref="Tracing.SampleContextTracker.StopSpanLinks"/>): profiles go on without them, and the cost
/// returns within the budget.
/// <para>
/// Judged over <see cref="HorizonPeriods"/> sampler periods at a time, so a burst (a cold start, a spike of tiny
/// requests) never turns links off; what counts is the sum over the horizon against the allowance over it, both as
/// shares of the cores, as the budget charges them. Used by the sampler's control thread only.
/// </para>
/// </summary>
internal sealed class SpanTrackingLimit
{
    /// <summary>Sampler periods per judgement: 30 s at the default period of 1 s.</summary>
    public const int HorizonPeriods = 30;

    private readonly TimeSpan _horizon;
    private readonly int _processorCount;
    private TimeSpan _elapsed;
    private TimeSpan _tracking;
    private TimeSpan _allowance;

    /// <param name="period">The sampler's period.</param>
    /// <param name="processorCount">The cores the app can use (<see cref="Environment.ProcessorCount"/>).</param>
    public SpanTrackingLimit(TimeSpan period, int processorCount = 0)
    {
        _horizon = period * HorizonPeriods;
        _processorCount = processorCount > 0 ? processorCount : Environment.ProcessorCount;
    }

    /// <summary>Whether the limit has been reached (once reached, for the rest of the run).</summary>
    public bool Reached { get; private set; }

    /// <summary>Span tracking's share of the cores over the horizon that reached the limit (0 before).</summary>
    public double TrackingShareOfCores { get; private set; }

    /// <summary>
    /// Adds one period: <paramref name="trackingCpu"/> spent on span tracking over <paramref name="elapsed"/>, while the
    /// budget allowed <paramref name="allowedShareOfCores"/> of the cores (1 or more: no limit). True when this period
    /// completes a horizon over which tracking used at least the whole allowance.
    /// </summary>
    public bool Observe(TimeSpan trackingCpu, TimeSpan elapsed, double allowedShareOfCores)
    {
        if (Reached || allowedShareOfCores >= 1 || elapsed <= TimeSpan.Zero)
        {
            return false;
        }

        _elapsed += elapsed;
        _tracking += trackingCpu / _processorCount;
        _allowance += elapsed * allowedShareOfCores;
        if (_elapsed < _horizon)
        {
            return false;
        }

        bool over = _tracking >= _allowance;
        double share = _tracking / _elapsed;
        _elapsed = _tracking = _allowance = TimeSpan.Zero;
        if (!over)
        {
            return false;
        }

        Reached = true;
        TrackingShareOfCores = share;
        return true;
    }
}
