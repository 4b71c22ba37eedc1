using Grpc.Core;

namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// One scripted answer of the test receiver. Build them with the factory members and queue them on
/// <see cref="OtlpTestReceiver.HttpReplies"/> or <see cref="OtlpTestReceiver.GrpcReplies"/>.
/// </summary>
public sealed record ReceiverReply
{
    private ReceiverReply()
    {
    }

    /// <summary>Accept the request: HTTP 200 / gRPC OK with an empty response.</summary>
    public static ReceiverReply Ok { get; } = new();

    /// <summary>Never answer; wait until the client gives up (its timeout or deadline) or the receiver stops.</summary>
    public static ReceiverReply Stall { get; } = new() { Stalls = true };

    /// <summary>HTTP status code (HTTP endpoint only; 200 for OK and partial success).</summary>
    public int HttpStatusCode { get; private init; } = 200;

    /// <summary>The raw <c>Retry-After</c> header value to send (seconds or an HTTP date), if any.</summary>
    public string? RetryAfterHeader { get; private init; }

    /// <summary>A text body to send with an HTTP error (Content-Type text/plain).</summary>
    public string? TextBody { get; private init; }

    /// <summary>Send an HTTP error body as a protobuf <c>google.rpc.Status</c> with this message.</summary>
    public string? RpcStatusBodyMessage { get; private init; }

    /// <summary>gRPC status code (gRPC endpoint only).</summary>
    public StatusCode GrpcStatusCode { get; private init; } = StatusCode.OK;

    /// <summary>gRPC status detail.</summary>
    public string GrpcDetail { get; private init; } = string.Empty;

    /// <summary>A <c>google.rpc.RetryInfo</c> delay in the gRPC <c>grpc-status-details-bin</c> trailer.</summary>
    public TimeSpan? RetryInfoDelay { get; private init; }

    /// <summary>With a success: the partial-success rejected count.</summary>
    public long RejectedProfiles { get; private init; }

    /// <summary>With a success: the partial-success message.</summary>
    public string? PartialSuccessMessage { get; private init; }

    /// <summary>See <see cref="Stall"/>.</summary>
    public bool Stalls { get; private init; }

    /// <summary>Accept, reporting <paramref name="rejectedProfiles"/> rejected with <paramref name="message"/> (both protocols).</summary>
    public static ReceiverReply PartialSuccess(long rejectedProfiles, string message) =>
        new() { RejectedProfiles = rejectedProfiles, PartialSuccessMessage = message };

    /// <summary>An HTTP error status with an optional <c>Retry-After</c> value and text body.</summary>
    public static ReceiverReply HttpStatus(int statusCode, string? retryAfter = null, string? textBody = null) =>
        new() { HttpStatusCode = statusCode, RetryAfterHeader = retryAfter, TextBody = textBody };

    /// <summary>An HTTP error status whose body is a protobuf <c>google.rpc.Status</c> carrying <paramref name="message"/>.</summary>
    public static ReceiverReply HttpRpcStatus(int statusCode, string message) =>
        new() { HttpStatusCode = statusCode, RpcStatusBodyMessage = message };

    /// <summary>A gRPC error status, optionally with RetryInfo.</summary>
    public static ReceiverReply GrpcStatus(StatusCode code, string detail = "", TimeSpan? retryInfoDelay = null) =>
        new() { GrpcStatusCode = code, GrpcDetail = detail, RetryInfoDelay = retryInfoDelay };
}
