using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtelProfiles.Tool.Receiver;

/// <summary>OTLP/gRPC trace receiver, on the same port as profiles.</summary>
internal sealed class OtlpTraceGrpcService(TraceIngestService ingest) : RawTraceServiceBase
{
    /// <summary>Handles one export; invalid data ends the call with INVALID_ARGUMENT and the reason.</summary>
    public override Task<ExportTraceServiceResponse> Export(RawExportRequest request, ServerCallContext context)
    {
        var result = ingest.Ingest(request.Payload, "gRPC");
        if (result.Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, result.Error ?? "cannot store data right now"));
        }

        if (!result.Accepted)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, result.Error ?? "invalid request"));
        }

        return Task.FromResult(new ExportTraceServiceResponse());
    }
}
