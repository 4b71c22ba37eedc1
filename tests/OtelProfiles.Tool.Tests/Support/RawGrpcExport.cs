using System.Net;
using System.Net.Http.Headers;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// Sends a profiles Export body as raw HTTP/2 bytes (no gRPC client), so tests can give the receiver framing that no
/// client would produce, and reads back the HTTP status and the gRPC status and message (trailers, or headers for a
/// trailers-only answer).
/// </summary>
internal static class RawGrpcExport
{
    private const string ExportPath = "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export";

    /// <param name="grpcEndpoint">The receiver's gRPC endpoint.</param>
    /// <param name="body">The whole HTTP body: 5-byte frame prefixes and messages, as the test wants them.</param>
    /// <param name="gzipEncoding">Whether the request says <c>grpc-encoding: gzip</c>.</param>
    public static async Task<(HttpStatusCode Http, string? Status, string Message)> SendAsync(Uri grpcEndpoint, byte[] body, bool gzipEncoding = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(grpcEndpoint, ExportPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (gzipEncoding)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, Header(response, "grpc-status"), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
        : response.Headers.TryGetValues(name, out var values) ? values.First()
        : null;
}
