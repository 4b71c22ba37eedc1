using Grpc.Core;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Tool.Receiver;

/// <summary>An export request as received: the raw protobuf bytes, parsed later by <see cref="IngestService"/>.</summary>
/// <param name="Payload">The uncompressed message bytes.</param>
internal sealed record RawExportRequest(byte[] Payload);

/// <summary>The unary <c>Export</c> method of an OTLP service, taking the request as raw bytes.</summary>
internal static class RawExportMethod
{
    /// <summary>The method of <paramref name="serviceName"/>, answering with <typeparamref name="TResponse"/>.</summary>
    public static Method<RawExportRequest, TResponse> For<TResponse>(string serviceName)
        where TResponse : class, Google.Protobuf.IMessage<TResponse>, new() => new(
        MethodType.Unary,
        serviceName,
        "Export",
        Marshallers.Create(request => request.Payload, bytes => new RawExportRequest(bytes)),
        Marshallers.Create(
            (TResponse response) => Google.Protobuf.MessageExtensions.ToByteArray(response),
            bytes => new Google.Protobuf.MessageParser<TResponse>(() => new TResponse()).ParseFrom(bytes)));
}

/// <summary>
/// The server side of <c>opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export</c>, bound by hand
/// in the shape Grpc.Tools generates (an abstract base with a virtual method and a static BindService). The library
/// compiles client stubs only, and binding by hand lets the request arrive as raw bytes: a payload that does not
/// parse then gets INVALID_ARGUMENT with the reason instead of gRPC's generic deserialization failure.
/// </summary>
[BindServiceMethod(typeof(RawProfilesServiceBase), nameof(BindService))]
internal abstract class RawProfilesServiceBase
{
    /// <summary>The fully qualified service name, identical to the generated client's.</summary>
    public const string ServiceName = "opentelemetry.proto.collector.profiles.v1development.ProfilesService";

    private static readonly Method<RawExportRequest, ExportProfilesServiceResponse> ExportMethod =
        RawExportMethod.For<ExportProfilesServiceResponse>(ServiceName);

    /// <summary>Handles one export.</summary>
    public virtual Task<ExportProfilesServiceResponse> Export(RawExportRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "Export is not implemented"));

    /// <summary>Called by Grpc.AspNetCore (through <see cref="BindServiceMethodAttribute"/>) to register the method.</summary>
    public static void BindService(ServiceBinderBase binder, RawProfilesServiceBase? service) =>
        binder.AddMethod(
            ExportMethod,
            service is null ? null : new UnaryServerMethod<RawExportRequest, ExportProfilesServiceResponse>(service.Export));
}
