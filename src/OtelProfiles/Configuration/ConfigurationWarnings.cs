using Microsoft.Extensions.Logging;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Configuration;

/// <summary>
/// Sends configuration warnings to the log and to the self-diagnostics EventSource, each distinct warning once: the
/// options are rebuilt on every configuration reload (and per scope for <c>IOptionsSnapshot</c>), and an operator
/// needs to read about a bad value once, not on every rebuild.
/// </summary>
/// <param name="loggerFactory">The application's logging, if any; the EventSource is written either way.</param>
internal sealed class ConfigurationWarnings(ILoggerFactory? loggerFactory = null)
{
    private readonly ILogger? _logger = loggerFactory?.CreateLogger(Log.CategoryName);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public void Report(IEnumerable<string> warnings)
    {
        foreach (string warning in warnings)
        {
            lock (_reported)
            {
                if (!_reported.Add(warning))
                {
                    continue;
                }
            }

            if (_logger is not null)
            {
                Log.ConfigurationWarning(_logger, warning);
            }

            OtelProfilesEventSource.Log.ConfigurationWarning(warning);
        }
    }
}
