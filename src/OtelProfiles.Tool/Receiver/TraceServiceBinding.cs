using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// The server side of <c>opentelemetry.proto.collector.trace.v1.TraceService/Export</c>, bound by hand like
/// <see cref="RawProfilesServiceBase"/> so the request arrives as raw bytes and a payload that does not parse gets
/// INVALID_ARGUMENT with the reason.
/// </summary>
[BindServiceMethod(typeof(RawTraceServiceBase), nameof(BindService))]
internal abstract class RawTraceServiceBase
{
    /// <summary>The fully qualified service name, identical to the generated client's.</summary>
    public const string ServiceName = "opentelemetry.proto.collector.trace.v1.TraceService";

    private static readonly Method<RawExportRequest, ExportTraceServiceResponse> ExportMethod =
        RawExportMethod.For<ExportTraceServiceResponse>(ServiceName);

    /// <summary>Handles one export.</summary>
    public virtual Task<ExportTraceServiceResponse> Export(RawExportRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "Export is not implemented"));

    /// <summary>Called by Grpc.AspNetCore (through <see cref="BindServiceMethodAttribute"/>) to register the method.</summary>
    public static void BindService(ServiceBinderBase binder, RawTraceServiceBase? service) =>
        binder.AddMethod(
            ExportMethod,
            service is null ? null : new UnaryServerMethod<RawExportRequest, ExportTraceServiceResponse>(service.Export));
}
