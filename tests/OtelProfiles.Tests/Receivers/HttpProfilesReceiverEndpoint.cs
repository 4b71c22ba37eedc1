using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using RpcStatus = OtelProfiles.Tests.Receivers.GoogleRpc.Status;

namespace OtelProfiles.Tests.Receivers;

/// <summary>The OTLP/HTTP endpoint of the test receiver: <c>POST /v1development/profiles</c> with protobuf bodies.</summary>
internal static class HttpProfilesReceiverEndpoint
{
    public const string Path = "/v1development/profiles";
    private const string ProtobufContentType = "application/x-protobuf";

    public static async Task HandleAsync(HttpContext context, ReceiverState state)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var raw = buffer.ToArray();
        var encoding = context.Request.Headers.ContentEncoding.FirstOrDefault();
        var (request, decodeError) = Decode(raw, encoding);

        // An undecodable body is answered as a real receiver would, without using up a scripted reply.
        var reply = decodeError is null ? state.HttpReplies.Next() : ReceiverReply.HttpStatus(400, textBody: decodeError);
        state.Record(new ReceivedRequest(
            ReceiverProtocol.Http,
            context.Request.Path,
            ReceiverState.HeadersOf(context.Request),
            encoding,
            context.Request.ContentType,
            raw.Length,
            request,
            decodeError,
            reply,
            DateTimeOffset.UtcNow));

        if (reply.Stalls)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }
        }

        await WriteReplyAsync(context, reply);
    }

    private static (ExportProfilesServiceRequest? Request, string? Error) Decode(byte[] raw, string? encoding)
    {
        try
        {
            var body = encoding switch
            {
                null or "" or "identity" => raw,
                "gzip" => Gunzip(raw),
                _ => throw new InvalidDataException($"unsupported Content-Encoding '{encoding}'"),
            };
            return (ExportProfilesServiceRequest.Parser.ParseFrom(body), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidProtocolBufferException)
        {
            return (null, $"cannot decode the body: {ex.Message}");
        }
    }

    private static byte[] Gunzip(byte[] raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static async Task WriteReplyAsync(HttpContext context, ReceiverReply reply)
    {
        var response = context.Response;
        response.StatusCode = reply.HttpStatusCode;
        if (reply.RetryAfterHeader is not null)
        {
            response.Headers.RetryAfter = reply.RetryAfterHeader;
        }

        if (reply.HttpStatusCode is >= 200 and < 300)
        {
            var body = new ExportProfilesServiceResponse();
            if (reply.RejectedProfiles != 0 || reply.PartialSuccessMessage is not null)
            {
                body.PartialSuccess = new ExportProfilesPartialSuccess
                {
                    RejectedProfiles = reply.RejectedProfiles,
                    ErrorMessage = reply.PartialSuccessMessage ?? string.Empty,
                };
            }

            response.ContentType = ProtobufContentType;
            await response.Body.WriteAsync(body.ToByteArray());
        }
        else if (reply.RpcStatusBodyMessage is not null)
        {
            response.ContentType = ProtobufContentType;
            await response.Body.WriteAsync(new RpcStatus { Code = 3, Message = reply.RpcStatusBodyMessage }.ToByteArray());
        }
        else if (reply.TextBody is not null)
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(reply.TextBody);
        }
    }
}
