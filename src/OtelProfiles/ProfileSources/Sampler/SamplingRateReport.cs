using System.Globalization;
using Microsoft.Extensions.Logging;
using OtelProfiles.Aggregation;
using OtelProfiles.Configuration;
using OtelProfiles.Diagnostics;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Sampler;

/// <summary>
/// Says once, in the log, when the overhead budget holds the sampler far below the frequency asked for, with what
/// spends the budget and the setting that changes it: otherwise a user who asked for 100 Hz and sees a handful of
/// samples per interval has no way to tell a budget from a bug. Three causes are told apart: long pauses per sample
/// (busy threads outnumbering the cores); span tracking, whose cost on the app's threads the budget charges too and
/// which sampling less does not reduce; and the longer GC pauses the profiler's presence causes, which sampling less
/// does not reduce either. It also warns, once, when span tracking used the whole budget and the
/// sampler turned span links off (<see cref="Collection.SpanTrackingLimit"/>), and when the app's GC pauses, longer
/// with the profiler there, were estimated to cost more than the budget holds (<see cref="Collection.GcPauseCharge"/>).
/// </summary>
internal sealed class SamplingRateReport
{
    private readonly ILogger _logger;
    private readonly int _targetHz;
    private readonly double _budgetPercent;
    private readonly int _processorCount;
    private bool _reported;
    private bool _spanLinksStopReported;
    private bool _gcPausesReported;

    public SamplingRateReport(ILogger logger, int targetHz, double budgetPercent, int processorCount = 0)
    {
        _logger = logger;
        _targetHz = targetHz;
        _budgetPercent = budgetPercent;
        _processorCount = processorCount > 0 ? processorCount : Environment.ProcessorCount;
    }

    /// <summary>Whether the line has been written.</summary>
    public bool Reported => _reported;

    /// <summary>Looks at one finished interval of the sampler (called on the interval thread).</summary>
    public void Observe(IntervalSamples interval)
    {
        ReportSpanLinksStop();
        ReportGcPausesOverBudget(interval);
        if (_reported || _budgetPercent >= OptionLimits.MaxSamplingOverheadPercent || interval.DurationNs < 1_000_000_000)
        {
            return;
        }

        double hz = interval.EffectiveFrequencyHz;
        if (hz >= _targetHz / 2.0)
        {
            return;
        }

        // What the budget charged, as it counts it: pauses as they are (the sampler's, and the GC's extra), CPU spread
        // over the cores.
        double trackingCharge = (double)interval.SpanTrackingCpuNs / _processorCount;
        double gcCharge = interval.Gc.EstimatedNs;
        double samplerCharge = interval.SamplerPausedNs + ((double)interval.ProfilerCpuNs / _processorCount);
        double trackingShareOfCores = trackingCharge / interval.DurationNs;
        // Span tracking or the GC's extra is named when it is the larger part of the charge and at least the budget's
        // smallest allowance (the budget times SamplerBudget.MinimumUtilization of the cores): below that, an idle
        // app's few spans or collections would be blamed for a rate its idleness explains.
        double minimumAllowance = _budgetPercent / 100 * Collection.SamplerBudget.MinimumUtilization;
        if (gcCharge >= samplerCharge + trackingCharge && gcCharge / interval.DurationNs >= minimumAllowance)
        {
            // Sampling less does not shorten the collections. Already warned of when over the budget: said once.
            _reported = true;
            if (!_gcPausesReported && _logger.IsEnabled(LogLevel.Information))
            {
                string effectiveHz = hz.ToString("0.#", CultureInfo.InvariantCulture);
                string gcPercent = (gcCharge / interval.DurationNs * 100).ToString("0.###", CultureInfo.InvariantCulture);
                Log.SamplingRateLimitedByGcPauses(_logger, effectiveHz, _targetHz, gcPercent, _budgetPercent, OtelSettingNames.SamplingOverhead);
            }

            return;
        }

        if (trackingCharge >= samplerCharge + gcCharge && trackingShareOfCores >= minimumAllowance)
        {
            // Sampling less cannot pay this back: even a sampler that has stopped altogether is explained here.
            _reported = true;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                string effectiveHz = hz.ToString("0.#", CultureInfo.InvariantCulture);
                string trackingPercent = (trackingShareOfCores * 100).ToString("0.###", CultureInfo.InvariantCulture);
                Log.SamplingRateLimitedBySpanTracking(_logger, effectiveHz, _targetHz, trackingPercent, _budgetPercent, OtelSettingNames.SamplingOverhead, OtelSettingNames.SpanLinks);
            }

            return;
        }

        // The pauses are named on an interval with samples (one in which the sampler rested throughout says nothing of
        // the pause per sample), and only when they used a good part of the budget: a low rate with few pauses has
        // another cause (the sampler just switched on and ran only its short measuring window, or no managed thread
        // ran).
        bool budgetBound = interval.SamplerPausedFraction * 100 >= _budgetPercent / 2;
        if (interval.TicksObserved == 0 || !budgetBound)
        {
            return;
        }

        _reported = true;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string effectiveHz = hz.ToString("0.#", CultureInfo.InvariantCulture);
            string pauseMs = (interval.SamplerPausedNs / 1e6 / interval.TicksObserved).ToString("0.##", CultureInfo.InvariantCulture);
            Log.SamplingRateLimited(_logger, effectiveHz, _targetHz, pauseMs, _budgetPercent, OtelSettingNames.SamplingOverhead);
        }
    }

    // The longer GC pauses alone were estimated above what the budget holds beside sampling: profiling costs more than
    // promised, whatever the sampler does, so a warning, once per profiler. An interval under a second says too little.
    private void ReportGcPausesOverBudget(IntervalSamples interval)
    {
        if (_gcPausesReported || !interval.Gc.OverBudget || interval.DurationNs < 1_000_000_000)
        {
            return;
        }

        _gcPausesReported = true;
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            string gcPercent = ((double)interval.Gc.EstimatedNs / interval.DurationNs * 100).ToString("0.##", CultureInfo.InvariantCulture);
            Log.GcPausesOverBudget(_logger, gcPercent, _budgetPercent, OtelSettingNames.SamplingOverhead);
        }
    }

    /// <summary>
    /// Warns, once per profiler, when span tracking took the whole budget for a horizon and the sampler's control
    /// thread turned span links off (<see cref="Collection.SpanTrackingLimit"/>): a change of what the profiles contain.
    /// Part of <see cref="Observe"/>; called alone for an interval without the sampler's windows.
    /// </summary>
    public void ReportSpanLinksStop()
    {
        if (_spanLinksStopReported || SampleContextTracker.SpanLinksStoppedAtShare is not double share)
        {
            return;
        }

        _spanLinksStopReported = true;
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            string trackingPercent = (share * 100).ToString("0.###", CultureInfo.InvariantCulture);
            Log.SpanLinksStoppedOverBudget(_logger, trackingPercent, _budgetPercent, OtelSettingNames.SamplingOverhead, OtelSettingNames.SpanLinks);
        }
    }
}
