using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtelProfiles.Tool.Receiver;

/// <summary>OTLP/gRPC trace receiver, on the same port as profiles.</summary>
internal sealed class OtlpTraceGrpcService(TraceIngestService ingest) : RawTraceServiceBase
{
    /// <summary>Handles one export; invalid data ends the call with INVALID_ARGUMENT and the reason.</summary>
    public override Task<ExportTraceServiceResponse> Export(RawExportRequest request, ServerCallContext context)
    {
        ingest.Ingest(request.Payload, "gRPC").ThrowUnlessAccepted();
        return Task.FromResult(new ExportTraceServiceResponse());
    }
}
