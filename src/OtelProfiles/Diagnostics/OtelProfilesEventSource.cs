using System.Diagnostics.Tracing;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// Self-diagnostics of the profiler, named like the other OpenTelemetry .NET components
/// (<c>OpenTelemetry-Profiles</c>) so that the OpenTelemetry self-diagnostics file (<c>OTEL_DIAGNOSTICS.json</c>),
/// <c>dotnet-trace</c> and any <see cref="EventListener"/> pick it up. It works without a logger and before one exists.
/// Payloads never contain header values.
/// </summary>
[EventSource(Name = EventSourceName)]
internal sealed class OtelProfilesEventSource : EventSource
{
    public const string EventSourceName = "OpenTelemetry-Profiles";

    public static readonly OtelProfilesEventSource Log = new();

    private OtelProfilesEventSource()
    {
    }

    [NonEvent]
    public void ProfilerError(string operation, Exception exception)
    {
        if (this.IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            this.ProfilerError(operation, ExceptionText.Invariant(exception));
        }
    }

    [Event(1, Level = EventLevel.Informational, Message = "Profiling started: types={0}, exporter={1}.")]
    public void ProfilerStarted(string profileTypes, string exporter) => this.WriteEvent(1, profileTypes, exporter);

    [Event(2, Level = EventLevel.Informational, Message = "Profiling stopped.")]
    public void ProfilerStopped() => this.WriteEvent(2);

    [Event(3, Level = EventLevel.Informational, Message = "Profiling is disabled: {0}.")]
    public void ProfilerDisabled(string reason) => this.WriteEvent(3, reason);

    [Event(4, Level = EventLevel.Warning, Message = "The profiling session could not start: {0}. {1} The application runs on without profiling.")]
    public void SessionStartFailed(string reason, string fix) => this.WriteEvent(4, reason, fix);

    // Events 5-10 are written by the export queue and the retrying exporter (Export/ExportEvents.cs) as each
    // request settles; targets are endpoints with credentials masked, reasons are redacted error texts.

    [Event(5, Level = EventLevel.Verbose, Message = "Exported {0} profiles ({1} bytes).")]
    public void ExportSucceeded(long profileCount, long bytes) => this.WriteEvent(5, profileCount, bytes);

    [Event(6, Level = EventLevel.Error, Message = "Export to {0} failed: {1}")]
    public void ExportFailed(string target, string reason) => this.WriteEvent(6, target, reason);

    [Event(7, Level = EventLevel.Warning, Message = "Export to {0} will be retried in {1} ms.")]
    public void ExportRetrying(string target, long delayMilliseconds) => this.WriteEvent(7, target, delayMilliseconds);

    [Event(8, Level = EventLevel.Warning, Message = "Export to {0} partially succeeded: {1} profiles rejected: {2}")]
    public void ExportPartialSuccess(string target, long rejectedProfiles, string message) =>
        this.WriteEvent(8, target, rejectedProfiles, message);

    /// <summary>Sample records (each one stack with its values) lost with a request that was dropped or failed.</summary>
    [Event(9, Level = EventLevel.Warning, Message = "{0} samples were dropped: {1}.")]
    public void SamplesDropped(long count, string reason) => this.WriteEvent(9, count, reason);

    /// <summary>Export requests dropped without being sent: the queue was full, or shutdown left them behind.</summary>
    [Event(10, Level = EventLevel.Warning, Version = 1, Message = "{1} export request(s) to {0} were dropped: {2}.")]
    public void QueueDropped(string target, long count, string reason) => this.WriteEvent(10, target, count, reason);

    [Event(11, Level = EventLevel.Error, Message = "Invalid profiling configuration: {0}")]
    public void ConfigurationError(string message) => this.WriteEvent(11, message);

    [Event(12, Level = EventLevel.Warning, Message = "Profiling configuration: {0}")]
    public void ConfigurationWarning(string message) => this.WriteEvent(12, message);

    [Event(13, Level = EventLevel.Error, Message = "Unexpected error while {0}: {1}")]
    public void ProfilerError(string operation, string exception) => this.WriteEvent(13, operation, exception);
}
