using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// Bounds how many export requests are read and decoded at once, for both transports. A request's body, its
/// decompressed form and its parsed message all live at the same time, so each export in flight costs a few times
/// the request size; without a bound, eight concurrent large requests took over a gigabyte. A request that finds
/// every slot taken waits briefly and then gets 503 / UNAVAILABLE, which OTLP clients retry with backoff.
/// For gRPC it also checks the 5-byte message frame before the body is read and that the whole message arrives, so an
/// oversized, malformed or cut-short frame gets RESOURCE_EXHAUSTED / INVALID_ARGUMENT with a reason instead of an
/// exception inside the gRPC stack.
/// </summary>
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The semaphore holds no OS handle (AvailableWaitHandle is never read), and the gate lives as long as "
        + "the web app: a request still finishing after the app stops must be able to release its slot.")]
internal sealed class IngestGate(int maxConcurrent, TimeSpan queueTimeout, long maxRequestBytes)
{
    /// <summary>The path of the gRPC export method.</summary>
    public const string GrpcExportPath = "/" + RawProfilesServiceBase.ServiceName + "/Export";

    /// <summary>The path of the gRPC trace export method: spans cost the same per byte to decode, so they share the slots.</summary>
    public const string GrpcTraceExportPath = "/" + RawTraceServiceBase.ServiceName + "/Export";

    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var isGrpc = path.Equals(GrpcExportPath, StringComparison.Ordinal) || path.Equals(GrpcTraceExportPath, StringComparison.Ordinal);
        var isHttpExport = path.Equals(OtlpHttpEndpoint.Path, StringComparison.Ordinal) || path.Equals(OtlpTraceHttpEndpoint.Path, StringComparison.Ordinal);
        if (!isGrpc && !(HttpMethods.IsPost(context.Request.Method) && isHttpExport))
        {
            await next(context);
            return;
        }

        if (!await _slots.WaitAsync(queueTimeout, context.RequestAborted))
        {
            await BusyAsync(context, isGrpc);
            return;
        }

        try
        {
            if (isGrpc && await CheckGrpcFrameAsync(context) is { } refusal)
            {
                await GrpcErrorResponse.WriteAsync(context, refusal.Code, refusal.Message);
                return;
            }

            await next(context);
        }
        finally
        {
            _slots.Release();
        }
    }

    private static Task BusyAsync(HttpContext context, bool isGrpc)
    {
        const string Message = "the receiver is busy decoding other requests; retry later";
        if (isGrpc)
        {
            return GrpcErrorResponse.WriteAsync(context, StatusCode.Unavailable, Message);
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "application/x-protobuf";
        return context.Response.Body.WriteAsync(RpcStatusCodec.Encode(StatusCode.Unavailable, Message), context.RequestAborted).AsTask();
    }

    /// <summary>Peeks at the length-prefixed message header without consuming it; null when the frame may be read.</summary>
    private async Task<(StatusCode Code, string Message)?> CheckGrpcFrameAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(5, context.RequestAborted);
        var buffer = result.Buffer;
        if (buffer.Length < 5)
        {
            reader.AdvanceTo(buffer.Start, buffer.End);
            return buffer.Length == 0
                ? null // no message at all: Grpc.AspNetCore answers that itself
                : (StatusCode.InvalidArgument, $"the gRPC message frame is incomplete: {buffer.Length} of its 5 header bytes arrived");
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);

        // Nothing consumed or examined: Grpc.AspNetCore reads the same bytes next.
        reader.AdvanceTo(buffer.Start);
        var compressed = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (compressed > 1)
        {
            return (StatusCode.InvalidArgument, $"the gRPC message frame has compressed flag {compressed}; it must be 0 or 1");
        }

        if (length > maxRequestBytes)
        {
            return (StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
                $"the message of {length} bytes exceeds the receiver's limit of {maxRequestBytes} bytes (serve --max-request-size); send smaller batches"));
        }

        return await CheckGrpcMessageArrivesAsync(reader, length, context.RequestAborted);
    }

    /// <summary>
    /// Waits until the whole message the header announced is buffered (or the body ends) without consuming it. A body
    /// that ends early is a malformed request; left to Grpc.AspNetCore it becomes INTERNAL "Incomplete message." and
    /// an error log line with the exception. The size check before this bounds what is buffered, and Grpc.AspNetCore
    /// buffers the same message next anyway.
    /// </summary>
    private static async Task<(StatusCode Code, string Message)?> CheckGrpcMessageArrivesAsync(PipeReader reader, uint length, CancellationToken cancellationToken)
    {
        var frame = 5L + length;
        if (frame > int.MaxValue)
        {
            return null; // beyond what one read can hold; Grpc.AspNetCore's own limit refuses it
        }

        var result = await reader.ReadAtLeastAsync((int)frame, cancellationToken);
        var arrived = result.Buffer.Length;
        reader.AdvanceTo(result.Buffer.Start);
        return arrived >= frame
            ? null
            : (StatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                $"the gRPC message frame announces {length} bytes but the request body ended after {arrived - 5}"));
    }
}
