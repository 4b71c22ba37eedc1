using System.IO.Compression;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// OTLP/HTTP profiles receiver: <c>POST /v1development/profiles</c> with <c>application/x-protobuf</c>, optionally
/// gzip-compressed. Errors follow OTLP/HTTP: a 4xx status with a protobuf <c>google.rpc.Status</c> body.
/// </summary>
internal static class OtlpHttpEndpoint
{
    /// <summary>The path of the profiles signal for opentelemetry-proto v1.11.</summary>
    public const string Path = "/v1development/profiles";

    private const string ProtobufContentType = "application/x-protobuf";

    public static void Map(IEndpointRouteBuilder routes, IngestService ingest, long maxRequestBytes)
    {
        routes.MapPost(Path, (HttpContext context) =>
            HandleExportAsync(context, body => ingest.Ingest(body, "HTTP"), new ExportProfilesServiceResponse(), maxRequestBytes));

        // Producers built against other versions of the experimental signal post elsewhere; tell them why it fails.
        routes.MapPost("/{version}/profiles", (HttpContext context, string version) => WriteErrorAsync(
            context,
            StatusCodes.Status404NotFound,
            StatusCode.Unimplemented,
            $"OTLP profiles '{version}' is not supported: this receiver speaks opentelemetry-proto v1.11 profiles at POST {Path}"));
    }

    /// <summary>
    /// One OTLP/HTTP export of any signal: media type and encoding checked, the body read within the limit (after
    /// decompression too), handed to <paramref name="ingest"/>, and the outcome answered with an OTLP status.
    /// </summary>
    internal static async Task HandleExportAsync(HttpContext context, Func<byte[], IngestResult> ingest, IMessage emptyResponse, long maxRequestBytes)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim() ?? "";
        if (!string.Equals(mediaType, ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCode.InvalidArgument,
                $"Content-Type '{mediaType}' is not supported: send {ProtobufContentType} (OTLP/HTTP JSON is not implemented by this receiver)");
            return;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCode.InvalidArgument,
                $"Content-Encoding '{encoding}' is not supported: use gzip or none");
            return;
        }

        if (context.Request.ContentLength > maxRequestBytes)
        {
            await WriteTooLargeAsync(context, maxRequestBytes);
            return;
        }

        byte[] body;
        try
        {
            var source = encoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            await using (source)
            {
                // The limit applies after decompression too, so a small gzip bomb cannot exhaust memory.
                body = await ReadLimitedAsync(source, maxRequestBytes, context.RequestAborted);
            }
        }
        catch (RequestTooLargeException)
        {
            await WriteTooLargeAsync(context, maxRequestBytes);
            return;
        }
        catch (InvalidDataException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, $"the gzip body could not be decompressed: {ex.Message}");
            return;
        }

        var result = ingest(body);
        if (result.Unavailable)
        {
            context.Response.Headers.RetryAfter = "5";
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, result.Error ?? "cannot store data right now");
            return;
        }

        if (!result.Accepted)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, result.Error ?? "invalid request");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(emptyResponse.ToByteArray(), context.RequestAborted);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream source, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new RequestTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task WriteTooLargeAsync(HttpContext context, long maxRequestBytes) =>
        WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted,
            $"the request exceeds the receiver's limit of {maxRequestBytes} bytes (serve --max-request-size); send smaller batches");

    private static async Task WriteErrorAsync(HttpContext context, int httpStatus, StatusCode code, string message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(RpcStatusCodec.Encode(code, message), context.RequestAborted);
    }

    private sealed class RequestTooLargeException : Exception;
}
