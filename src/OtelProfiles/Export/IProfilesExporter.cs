using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Export;

/// <summary>
/// Sends one finished export request somewhere (an OTLP receiver, a directory). Implementations never throw for
/// transport failures: they describe the failure in the returned <see cref="ExportOutcome"/> so the caller can
/// decide to retry, and they never put header values (secrets) into messages. The only exception they throw is
/// <see cref="OperationCanceledException"/> when the caller's token is cancelled.
/// </summary>
internal interface IProfilesExporter : IDisposable
{
    /// <summary>Human-readable target for logs, for example "OTLP/gRPC http://localhost:4317/" (never headers).</summary>
    string Target { get; }

    /// <summary>Sends <paramref name="request"/> once (no retries here).</summary>
    ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Shutdown has begun: the attempt in progress may finish, but no retry starts and a retry wait ends now with
    /// the last outcome, unless the receiver named the delay (Retry-After, RetryInfo), which shutdown's budget still
    /// bounds. Exporters that do not retry ignore it.
    /// </summary>
    void StopRetrying()
    {
    }
}

/// <summary>The result of one export attempt.</summary>
/// <param name="Success">The receiver accepted the request (possibly partially, see <paramref name="PartialSuccessMessage"/>).</param>
/// <param name="Retryable">A failure that may succeed later (gRPC UNAVAILABLE, HTTP 429/502/503/504, network errors, timeouts).</param>
/// <param name="RetryAfter">The delay the receiver asked for (Retry-After header or gRPC RetryInfo), if any.</param>
/// <param name="Error">What went wrong, for the log; never contains header values.</param>
/// <param name="RejectedProfiles">With a partial success: how many profiles the receiver rejected.</param>
/// <param name="PartialSuccessMessage">With a partial success: the receiver's message.</param>
/// <param name="FailureKind">
/// A short, stable name for the kind of failure ("HTTP 503", "gRPC Unavailable", "connection failed", "timeout") so
/// that a failure repeated every interval is logged once and then summarised instead of flooding the log.
/// </param>
internal readonly record struct ExportOutcome(
    bool Success,
    bool Retryable = false,
    TimeSpan? RetryAfter = null,
    string? Error = null,
    long RejectedProfiles = 0,
    string? PartialSuccessMessage = null,
    string? FailureKind = null)
{
    public static ExportOutcome Ok { get; } = new(true);

    /// <summary>The receiver accepted the request; a partial success when it reports rejections or a message.</summary>
    public static ExportOutcome Accepted(long rejectedProfiles, string? message) =>
        rejectedProfiles == 0 && string.IsNullOrEmpty(message)
            ? Ok
            : new(true, RejectedProfiles: rejectedProfiles, PartialSuccessMessage: message);

    public static ExportOutcome Failed(string kind, string error, bool retryable, TimeSpan? retryAfter = null) =>
        new(false, retryable, retryAfter, error, FailureKind: kind);

    /// <summary>The receiver accepted the request but reported rejected profiles or a warning.</summary>
    public bool IsPartialSuccess => Success && (RejectedProfiles != 0 || !string.IsNullOrEmpty(PartialSuccessMessage));
}
