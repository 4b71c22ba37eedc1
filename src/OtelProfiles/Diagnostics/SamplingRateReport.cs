using System.Globalization;
using Microsoft.Extensions.Logging;
using OtelProfiles.Aggregation;
using OtelProfiles.Configuration;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// Says once, in the log, when the overhead budget holds the sampler far below the frequency asked for, with the
/// measured pause per sample that explains it and the setting that changes it: otherwise a user who asked for
/// 100 Hz and sees a handful of samples per interval has no way to tell a budget from a bug.
/// </summary>
internal sealed class SamplingRateReport
{
    private readonly ILogger _logger;
    private readonly int _targetHz;
    private readonly double _budgetPercent;
    private int _intervalsSeen;
    private bool _reported;

    public SamplingRateReport(ILogger logger, int targetHz, double budgetPercent)
    {
        _logger = logger;
        _targetHz = targetHz;
        _budgetPercent = budgetPercent;
    }

    /// <summary>Whether the line has been written.</summary>
    public bool Reported => _reported;

    /// <summary>Looks at one finished interval of the sampler (called on the interval thread).</summary>
    public void Observe(IntervalSamples interval)
    {
        if (_reported || _budgetPercent >= OptionLimits.MaxSamplingOverheadPercent || interval.DurationNs < 1_000_000_000)
        {
            return;
        }

        // The first interval holds the sampler's start and its short measuring window: not yet representative.
        if (++_intervalsSeen < 2)
        {
            return;
        }

        double hz = interval.EffectiveFrequencyHz;
        bool budgetBound = interval.TicksObserved == 0 || interval.SamplerPausedFraction * 100 >= _budgetPercent / 2;
        if (hz >= _targetHz / 2.0 || !budgetBound)
        {
            return;
        }

        _reported = true;
        double pauseMs = interval.TicksObserved > 0 ? interval.SamplerPausedNs / 1e6 / interval.TicksObserved : 0;
        Log.SamplingRateLimited(
            _logger,
            hz.ToString("0.#", CultureInfo.InvariantCulture),
            _targetHz,
            interval.TicksObserved > 0 ? pauseMs.ToString("0.##", CultureInfo.InvariantCulture) : "more than the budget allows per period,",
            _budgetPercent,
            OtelSettingNames.SamplingOverhead);
    }
}
