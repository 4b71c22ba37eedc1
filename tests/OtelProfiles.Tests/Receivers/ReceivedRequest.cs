using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Tests.Receivers;

/// <summary>Which of the receiver's two endpoints a request arrived at.</summary>
internal enum ReceiverProtocol
{
    /// <summary>OTLP/gRPC <c>ProfilesService/Export</c>.</summary>
    Grpc,

    /// <summary>OTLP/HTTP <c>POST /v1development/profiles</c>.</summary>
    Http,
}

/// <summary>One export request exactly as the test receiver saw it.</summary>
/// <param name="Protocol">The endpoint it arrived at.</param>
/// <param name="Path">The request path (the gRPC method path for gRPC).</param>
/// <param name="Headers">All request headers (gRPC metadata included), names lower-case.</param>
/// <param name="ContentEncoding"><c>Content-Encoding</c> (HTTP) or <c>grpc-encoding</c> (gRPC); null when absent.</param>
/// <param name="ContentType">The <c>Content-Type</c> header.</param>
/// <param name="RawBodyBytes">Bytes of the body on the wire, before decompression (gRPC: including the 5-byte message prefix).</param>
/// <param name="Request">The decoded request; null when the body could not be decoded (see <paramref name="DecodeError"/>).</param>
/// <param name="DecodeError">Why the body could not be decoded.</param>
/// <param name="Reply">What the receiver answered.</param>
/// <param name="ReceivedAt">When it arrived.</param>
internal sealed record ReceivedRequest(
    ReceiverProtocol Protocol,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentEncoding,
    string? ContentType,
    long RawBodyBytes,
    ExportProfilesServiceRequest? Request,
    string? DecodeError,
    ReceiverReply Reply,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => this.Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
