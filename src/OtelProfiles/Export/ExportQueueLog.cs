using Microsoft.Extensions.Logging;

namespace OtelProfiles.Export;

/// <summary>The export queue's log lines: the first failure of each kind in full, then summaries (see <see cref="FailureLogThrottle"/>).</summary>
internal sealed partial class ExportQueue
{
    private void LogFailure(ExportOutcome outcome, FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstFailure(this.Target, outcome.Error, _options.FailureLogInterval.TotalMinutes);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedFailure(this.Target, decision.Occurrences, outcome.FailureKind, decision.SinceLastLogged.TotalMinutes, outcome.Error);
                break;
        }
    }

    private void LogPartialSuccess(ExportOutcome outcome, FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstPartialSuccess(this.Target, outcome.RejectedProfiles, outcome.PartialSuccessMessage);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedPartialSuccess(this.Target, decision.Occurrences, decision.SinceLastLogged.TotalMinutes, outcome.RejectedProfiles, outcome.PartialSuccessMessage);
                break;
        }
    }

    private void LogQueueFull(FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstQueueFull(this.Target, _options.Capacity);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedQueueFull(this.Target, decision.Occurrences, decision.SinceLastLogged.TotalMinutes);
                break;
        }
    }

    [LoggerMessage(EventId = 10, EventName = "ExportFailed", Level = LogLevel.Warning, Message = "Profiles export to {Target} failed: {Error}. Repeats of this failure are summarised every {IntervalMinutes:0.#} min.")]
    private partial void LogFirstFailure(string target, string? error, double intervalMinutes);

    [LoggerMessage(EventId = 11, EventName = "ExportFailedRepeatedly", Level = LogLevel.Warning, Message = "Profiles export to {Target} failed {Count} times ({Kind}) in the last {Minutes:0.#} min; latest: {Error}")]
    private partial void LogRepeatedFailure(string target, int count, string? kind, double minutes, string? error);

    [LoggerMessage(EventId = 12, EventName = "ExportRecovered", Level = LogLevel.Information, Message = "Profiles export to {Target} works again after {Failures} failure(s).")]
    private partial void LogRecovered(string target, int failures);

    [LoggerMessage(EventId = 13, EventName = "ExportPartialSuccess", Level = LogLevel.Warning, Message = "Profiles export to {Target} partially succeeded: the receiver rejected {RejectedProfiles} profile(s): {Message}")]
    private partial void LogFirstPartialSuccess(string target, long rejectedProfiles, string? message);

    [LoggerMessage(EventId = 14, EventName = "ExportPartialSuccessRepeatedly", Level = LogLevel.Warning, Message = "Profiles export to {Target} partially succeeded {Count} times in the last {Minutes:0.#} min; latest: {RejectedProfiles} profile(s) rejected: {Message}")]
    private partial void LogRepeatedPartialSuccess(string target, int count, double minutes, long rejectedProfiles, string? message);

    [LoggerMessage(EventId = 15, EventName = "ExportQueueFull", Level = LogLevel.Warning, Message = "Profiles export queue for {Target} is full ({Capacity} requests): dropping the oldest. Repeats are summarised.")]
    private partial void LogFirstQueueFull(string target, int capacity);

    [LoggerMessage(EventId = 16, EventName = "ExportQueueFullRepeatedly", Level = LogLevel.Warning, Message = "Profiles export queue for {Target} dropped {Count} more request(s) in the last {Minutes:0.#} min.")]
    private partial void LogRepeatedQueueFull(string target, int count, double minutes);

    [LoggerMessage(EventId = 17, EventName = "ExportDroppedAtShutdown", Level = LogLevel.Warning, Message = "{Count} profiles export request(s) to {Target} were dropped at shutdown: {Reason}. Shutdown took {ElapsedSeconds:0.0#} s of the {TimeoutSeconds:0.##} s allowed.")]
    private partial void LogDroppedAtShutdown(int count, string target, string reason, double elapsedSeconds, double timeoutSeconds);
}
