using Grpc.Core;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Tool.Receiver;

/// <summary>OTLP/gRPC profiles receiver (default port 4317).</summary>
internal sealed class OtlpGrpcService(IngestService ingest) : RawProfilesServiceBase
{
    /// <summary>Handles one export; invalid data ends the call with INVALID_ARGUMENT and the reason.</summary>
    public override Task<ExportProfilesServiceResponse> Export(RawExportRequest request, ServerCallContext context)
    {
        ingest.Ingest(request.Payload, "gRPC").ThrowUnlessAccepted();
        return Task.FromResult(new ExportProfilesServiceResponse());
    }
}
