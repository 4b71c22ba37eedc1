using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>
/// The current options for a long-running profiler. Invalid values set in code stop the application at startup
/// (configuration values fall back to their defaults instead), but a later reload that makes a code delegate produce
/// a bad value must not: <c>IOptionsMonitor.CurrentValue</c> would throw from then on, so this keeps handing out the
/// last valid options until that is fixed. The validator has already sent
/// the problems to the EventSource.
/// </summary>
internal sealed class LastValidOptions
{
    private readonly IOptionsMonitor<OtlpProfilesOptions> _monitor;
    private OtlpProfilesOptions _lastValid;

    /// <exception cref="OptionsValidationException">The options are invalid at startup.</exception>
    public LastValidOptions(IOptionsMonitor<OtlpProfilesOptions> monitor)
    {
        _monitor = monitor;
        _lastValid = monitor.CurrentValue;
    }

    /// <summary>The current options, or the last valid ones while the configuration is invalid.</summary>
    public OtlpProfilesOptions Current
    {
        get
        {
            try
            {
                return _lastValid = _monitor.CurrentValue;
            }
            catch (OptionsValidationException)
            {
                return _lastValid;
            }
        }
    }
}
