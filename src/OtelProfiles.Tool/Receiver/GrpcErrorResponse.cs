using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// Answers a gRPC call from middleware, before Grpc.AspNetCore sees it, with a "trailers-only" response: HTTP 200,
/// <c>content-type: application/grpc</c> and the status in the headers. Used where the receiver refuses a call
/// (size, framing, busy, host, token) without reading its body.
/// </summary>
internal static class GrpcErrorResponse
{
    public const string ContentType = "application/grpc";

    /// <summary>True when the request is a gRPC call (by its content type).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase);

    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType;
        context.Response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);

        // grpc-message is percent-encoded (gRPC over HTTP/2 spec), so any text survives the header.
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return context.Response.CompleteAsync();
    }
}
