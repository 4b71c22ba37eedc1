using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Tests.Receivers.GoogleRpc;
using RpcStatus = OtelProfiles.Tests.Receivers.GoogleRpc.Status;

namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// The OTLP/gRPC <c>ProfilesService</c> of the test receiver. The library generates only the client, so the server
/// binding is written out here: the method path below is the one the OTLP specification names, which also checks
/// that the client calls exactly that path.
/// </summary>
[BindServiceMethod(typeof(GrpcProfilesReceiverService), nameof(BindService))]
internal class GrpcProfilesReceiverService(ReceiverState state)
{
    private static readonly Method<ExportProfilesServiceRequest, ExportProfilesServiceResponse> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(message => message.ToByteArray(), ExportProfilesServiceRequest.Parser.ParseFrom),
        Marshallers.Create(message => message.ToByteArray(), ExportProfilesServiceResponse.Parser.ParseFrom));

    public static void BindService(ServiceBinderBase binder, GrpcProfilesReceiverService? service) =>
        binder.AddMethod(ExportMethod, service is null ? null : service.Export);

    // Virtual and declared on the bound type: Grpc.AspNetCore only binds methods that match a generated base's virtual.
    public virtual async Task<ExportProfilesServiceResponse> Export(ExportProfilesServiceRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var reply = state.GrpcReplies.Next();
        state.Record(new ReceivedRequest(
            ReceiverProtocol.Grpc,
            http.Request.Path,
            ReceiverState.HeadersOf(http.Request),
            http.Request.Headers["grpc-encoding"].FirstOrDefault(),
            http.Request.ContentType,
            RequestByteCounter.BytesReadBy(http),
            request,
            null,
            reply,
            DateTimeOffset.UtcNow));

        if (reply.Stalls)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, state.Stopping.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }

        if (reply.GrpcStatusCode != StatusCode.OK)
        {
            throw new RpcException(new Grpc.Core.Status(reply.GrpcStatusCode, reply.GrpcDetail), StatusTrailers(reply));
        }

        var response = new ExportProfilesServiceResponse();
        if (reply.RejectedProfiles != 0 || reply.PartialSuccessMessage is not null)
        {
            response.PartialSuccess = new ExportProfilesPartialSuccess
            {
                RejectedProfiles = reply.RejectedProfiles,
                ErrorMessage = reply.PartialSuccessMessage ?? string.Empty,
            };
        }

        return response;
    }

    private static Metadata StatusTrailers(ReceiverReply reply)
    {
        var trailers = new Metadata();
        if (reply.RetryInfoDelay is { } delay)
        {
            // What servers built on googleapis send: google.rpc.Status with a packed RetryInfo detail.
            var status = new RpcStatus { Code = (int)reply.GrpcStatusCode, Message = reply.GrpcDetail };
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
            trailers.Add("grpc-status-details-bin", status.ToByteArray());
        }

        return trailers;
    }
}
