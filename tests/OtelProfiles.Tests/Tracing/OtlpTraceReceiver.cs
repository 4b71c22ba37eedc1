using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// A real OTLP/HTTP trace receiver on 127.0.0.1: <c>POST /v1/traces</c> bodies decoded as
/// <see cref="ExportTraceServiceRequest"/>, keeping every span received.
/// </summary>
internal sealed class OtlpTraceReceiver : IAsyncDisposable
{
    public const string Path = "/v1/traces";

    private readonly WebApplication _app;
    private readonly List<Span> _spans = [];

    private OtlpTraceReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The full URL to export traces to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<Span> Spans
    {
        get
        {
            lock (_spans)
            {
                return _spans.ToList();
            }
        }
    }

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        OtlpTraceReceiver? receiver = null;
        app.MapPost(Path, async (HttpContext context) =>
        {
            Stream body = context.Request.Body;
            if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer);
            ExportTraceServiceRequest request = ExportTraceServiceRequest.Parser.ParseFrom(buffer.ToArray());
            lock (receiver!._spans)
            {
                receiver._spans.AddRange(request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans));
            }

            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray());
        });
        await app.StartAsync();
        int port = new Uri(app.Urls.First()).Port;
        receiver = new OtlpTraceReceiver(app, new Uri($"http://127.0.0.1:{port}{Path}"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
