using Microsoft.Extensions.Logging;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// The profiler's log messages, source-generated so that a disabled level costs no formatting or allocation.
/// Messages show header names at most, never header values. Event ids are stable: people filter on them.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category the profiler writes under.</summary>
    public const string CategoryName = "OpenTelemetry.Profiles";

    [LoggerMessage(
        EventId = 1,
        EventName = "ProfilingEnabled",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling enabled: types={ProfileTypes}, exporter={Exporter}, interval={ExportInterval}, sampling≈{SamplingFrequencyHz} Hz within {SamplingOverheadPercent}% overhead")]
    public static partial void ProfilingEnabled(ILogger logger, string profileTypes, string exporter, string exportInterval, int samplingFrequencyHz, double samplingOverheadPercent);

    [LoggerMessage(
        EventId = 2,
        EventName = "ProfilingDisabled",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling disabled by {Setting}")]
    public static partial void ProfilingDisabled(ILogger logger, string setting);

    [LoggerMessage(
        EventId = 3,
        EventName = "SessionCannotStart",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling could not start: {Reason}. {Fix} The application runs on without profiling.")]
    public static partial void SessionCannotStart(ILogger logger, string reason, string fix, Exception? exception);

    [LoggerMessage(
        EventId = 4,
        EventName = "ConfigurationWarning",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling configuration: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);

    // Ids 5-7 and 10-18 belong to the exporter (Export/ExportQueueLog.cs, Export/RetryingExporter.cs), which
    // logs its own failures, summaries and drops; each id names one event.

    [LoggerMessage(
        EventId = 8,
        EventName = "ProfilingStopped",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling stopped")]
    public static partial void ProfilingStopped(ILogger logger);

    [LoggerMessage(
        EventId = 9,
        EventName = "ProfilerError",
        Level = LogLevel.Error,
        Message = "OpenTelemetry profiling failed while {Operation}; profiling stops, the application runs on")]
    public static partial void ProfilerError(ILogger logger, string operation, Exception exception);

    [LoggerMessage(
        EventId = 20,
        EventName = "ProfileTypeUnavailable",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling: the {ProfileType} profile is not available here and is skipped: {Reason}")]
    public static partial void ProfileTypeUnavailable(ILogger logger, string profileType, string reason);

    [LoggerMessage(
        EventId = 21,
        EventName = "ProfileTypeNote",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling: the {ProfileType} profile {Note}")]
    public static partial void ProfileTypeNote(ILogger logger, string profileType, string note);

    [LoggerMessage(
        EventId = 22,
        EventName = "ProfileTypesChanged",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling types changed: {ProfileTypes}")]
    public static partial void ProfileTypesChanged(ILogger logger, string profileTypes);

    [LoggerMessage(
        EventId = 23,
        EventName = "SamplingRateLimited",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling: sampling reaches {EffectiveHz} Hz per thread of the {TargetHz} Hz wanted: each sample pauses the app's managed threads for {PauseMs} ms on average (typical when busy threads outnumber the cores), and the overhead budget is {BudgetPercent}% ({Setting}). Profiles stay correct but take longer to become detailed; raise the budget for more samples.")]
    public static partial void SamplingRateLimited(ILogger logger, string effectiveHz, int targetHz, string pauseMs, double budgetPercent, string setting);

    [LoggerMessage(
        EventId = 24,
        EventName = "SamplingRateLimitedBySpanTracking",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling: sampling reaches {EffectiveHz} Hz per thread of the {TargetHz} Hz wanted: keeping span links current on the app's threads (at every change of Activity.Current) costs {TrackingPercent}% of the cores, the larger part of what the overhead budget of {BudgetPercent}% ({Setting}) charges. Set {SpanLinksSetting}=none to sample more without span links, or raise the budget.")]
    public static partial void SamplingRateLimitedBySpanTracking(ILogger logger, string effectiveHz, int targetHz, string trackingPercent, double budgetPercent, string setting, string spanLinksSetting);

    [LoggerMessage(
        EventId = 25,
        EventName = "SpanLinksStoppedOverBudget",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling: span links are off until the profiler restarts: keeping them current on the app's threads (at every change of Activity.Current) cost {TrackingPercent}% of the cores over the last 30 sampler periods, the whole overhead budget of {BudgetPercent}% ({Setting}), which left nothing for sampling. Profiles go on without span links. Set {SpanLinksSetting}=none to skip span tracking from the start, or raise the budget to keep the links.")]
    public static partial void SpanLinksStoppedOverBudget(ILogger logger, string trackingPercent, double budgetPercent, string setting, string spanLinksSetting);

    [LoggerMessage(
        EventId = 26,
        EventName = "GcPausesOverBudget",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling: with the profiler there, the app's garbage collections pause an estimated {GcPercent}% of the time longer (every collection walks the profiler's threads and serves its EventPipe sessions), more than the overhead budget of {BudgetPercent}% ({Setting}) holds beside sampling. The sampler goes on with a quarter of the budget, so profiling costs this app more than its budget; allocating less, or a larger gen0 budget (GCgen0size), makes collections rarer.")]
    public static partial void GcPausesOverBudget(ILogger logger, string gcPercent, double budgetPercent, string setting);

    [LoggerMessage(
        EventId = 27,
        EventName = "SamplingRateLimitedByGcPauses",
        Level = LogLevel.Information,
        Message = "OpenTelemetry profiling: sampling reaches {EffectiveHz} Hz per thread of the {TargetHz} Hz wanted: with the profiler there, the app's garbage collections pause an estimated {GcPercent}% of the time longer, the larger part of what the overhead budget of {BudgetPercent}% ({Setting}) charges. Sampling less does not shorten them; raise the budget for more samples.")]
    public static partial void SamplingRateLimitedByGcPauses(ILogger logger, string effectiveHz, int targetHz, string gcPercent, double budgetPercent, string setting);
}
