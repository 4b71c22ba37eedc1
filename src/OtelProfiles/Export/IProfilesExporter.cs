using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Export;

/// <summary>
/// Sends one finished export request somewhere (an OTLP receiver, a directory). Implementations never throw for
/// transport failures: they describe the failure in the returned <see cref="ExportOutcome"/> so the caller can
/// decide to retry, and they never put header values (secrets) into messages.
/// </summary>
internal interface IProfilesExporter : IDisposable
{
    /// <summary>Human-readable target for logs, for example "OTLP/gRPC http://localhost:4317" (never headers).</summary>
    string Target { get; }

    /// <summary>Sends <paramref name="request"/> once (no retries here).</summary>
    ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken);
}

/// <summary>The result of one export attempt.</summary>
/// <param name="Success">The receiver accepted the request (possibly partially, see <paramref name="PartialSuccessMessage"/>).</param>
/// <param name="Retryable">A failure that may succeed later (gRPC UNAVAILABLE/RESOURCE_EXHAUSTED, HTTP 429/502/503/504, network errors, timeouts).</param>
/// <param name="RetryAfter">The delay the receiver asked for (Retry-After header or gRPC RetryInfo), if any.</param>
/// <param name="Error">What went wrong, for the log; never contains header values.</param>
/// <param name="RejectedProfiles">With a partial success: how many profiles the receiver rejected.</param>
/// <param name="PartialSuccessMessage">With a partial success: the receiver's message.</param>
internal readonly record struct ExportOutcome(
    bool Success,
    bool Retryable = false,
    TimeSpan? RetryAfter = null,
    string? Error = null,
    long RejectedProfiles = 0,
    string? PartialSuccessMessage = null)
{
    public static ExportOutcome Ok { get; } = new(true);
}
