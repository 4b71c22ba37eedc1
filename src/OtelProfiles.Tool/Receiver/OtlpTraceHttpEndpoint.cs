using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// OTLP/HTTP trace receiver: <c>POST /v1/traces</c> with <c>application/x-protobuf</c>, optionally gzip-compressed,
/// with the same limits and error answers as the profiles endpoint (<see cref="OtlpHttpEndpoint"/>).
/// </summary>
internal static class OtlpTraceHttpEndpoint
{
    /// <summary>The OTLP/HTTP path of the traces signal.</summary>
    public const string Path = "/v1/traces";

    public static void Map(IEndpointRouteBuilder routes, TraceIngestService ingest, long maxRequestBytes) =>
        routes.MapPost(Path, (HttpContext context) =>
            OtlpHttpEndpoint.HandleExportAsync(context, body => ingest.Ingest(body, "HTTP"), new ExportTraceServiceResponse(), maxRequestBytes));
}
