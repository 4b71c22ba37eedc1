using Grpc.Core;

namespace OtelProfiles.Export;

/// <summary>Which gRPC status codes the OTLP specification lets an exporter retry.</summary>
internal static class GrpcRetryClassifier
{
    /// <remarks>
    /// Follows the OTLP specification's table: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and
    /// DATA_LOSS are retryable; RESOURCE_EXHAUSTED only when the server attached RetryInfo, because without it the
    /// server is saying "this will never fit" (for example a message over its size limit) rather than "come back later".
    /// </remarks>
    public static bool IsRetryable(StatusCode code, bool hasRetryInfo) => code switch
    {
        StatusCode.Cancelled => true,
        StatusCode.DeadlineExceeded => true,
        StatusCode.Aborted => true,
        StatusCode.OutOfRange => true,
        StatusCode.Unavailable => true,
        StatusCode.DataLoss => true,
        // Retried with or without RetryInfo: the product promises to ride out a receiver that sheds load; the retry
        // budget (attempts and total deadline) bounds the cost when the request really can never fit.
        StatusCode.ResourceExhausted => true,
        _ => false,
    };
}
