using Microsoft.Extensions.Logging;
using OtelProfiles.Configuration;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Hosting;

/// <summary>
/// The few lines an operator reads to know whether profiling is on: one line saying profiling is enabled (types,
/// destination, interval, rate) or why it is off, and the one warning when the session cannot start. Configuration
/// warnings come before it, from the options pipeline (<c>ConfigurationWarnings</c>). Each goes to the logger and to the EventSource.
/// </summary>
internal static class ProfilingStartupLog
{
    /// <summary>Call once when the profiler starts, with the options it runs with.</summary>
    public static void Started(ILogger logger, OtlpProfilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options);

        if (!options.Enabled)
        {
            var setting = options.Sources.Find(nameof(options.Enabled)) is var (name, raw)
                ? $"{name}={raw ?? "false"}"
                : $"{nameof(OtlpProfilesOptions)}.{nameof(options.Enabled)}=false";
            Log.ProfilingDisabled(logger, setting);
            OtelProfilesEventSource.Log.ProfilerDisabled(setting);
            return;
        }

        var types = OtlpProfilesOptionsDescription.Types(options.ProfileTypes);
        var destinations = OtlpProfilesOptionsDescription.Destinations(options);
        if (logger.IsEnabled(LogLevel.Information))
        {
            string exportInterval = OtlpProfilesOptionsDescription.Duration(options.ExportInterval);
            Log.ProfilingEnabled(
                logger,
                types,
                destinations,
                exportInterval,
                options.SamplingFrequencyHz,
                options.SamplingOverheadPercent);
        }

        OtelProfilesEventSource.Log.ProfilerStarted(types, destinations);
    }

    /// <summary>Call when the EventPipe session cannot start; logs one warning with the cause and the fix.</summary>
    public static SessionStartProblem SessionCannotStart(ILogger logger, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(logger);

        var problem = SessionStartDiagnosis.Diagnose(exception);
        Log.SessionCannotStart(logger, problem.Reason, problem.Fix, exception);
        OtelProfilesEventSource.Log.SessionStartFailed(problem.Reason, problem.Fix);
        return problem;
    }
}
