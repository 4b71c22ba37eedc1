using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// A real OTLP/HTTP receiver for every signal on 127.0.0.1 (any <c>POST</c> path: <c>/v1/traces</c>,
/// <c>/v1/metrics</c>, <c>/v1/logs</c>, <c>/v1development/profiles</c>) that, like a hosted backend, answers 401 to
/// a request without the expected <c>Authorization</c> header. It records the path of every request and whether
/// it was let in.
/// </summary>
internal sealed class BasicAuthOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Arrival> _arrivals;

    private BasicAuthOtlpReceiver(WebApplication app, ConcurrentQueue<Arrival> arrivals, Uri baseUrl)
    {
        _app = app;
        _arrivals = arrivals;
        BaseUrl = baseUrl;
    }

    /// <summary>The base URL, what <c>UseOtlpExporter</c> and <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> are given.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<Arrival> Arrivals => _arrivals.ToArray();

    /// <summary>Starts a receiver that lets in only requests whose <c>Authorization</c> header is <paramref name="authorization"/>.</summary>
    public static async Task<BasicAuthOtlpReceiver> StartAsync(string authorization)
    {
        var arrivals = new ConcurrentQueue<Arrival>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            // The body is read (and bounded) as a receiver would, so the exporter sees a complete exchange.
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            bool allowed = context.Request.Headers.Authorization.ToString() == authorization;
            arrivals.Enqueue(new Arrival(context.Request.Path.Value ?? string.Empty, allowed, body.Length));
            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            // An empty protobuf message: full success for every OTLP export response.
            context.Response.ContentType = "application/x-protobuf";
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        string address = app.Urls.Single();
        return new BasicAuthOtlpReceiver(app, arrivals, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One request: its path, whether its Authorization header was the expected one, and its body size.</summary>
    internal sealed record Arrival(string Path, bool Authorized, long BodyBytes);
}
