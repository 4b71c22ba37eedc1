using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtelProfiles.Tool.Storage;
using OtelProfiles.Tool.Web;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// The running receiver: an OTLP/gRPC listener (HTTP/2 only, as gRPC without TLS needs prior knowledge), and an
/// HTTP/1.1 listener for OTLP/HTTP, the web UI, its JSON API and <c>/healthz</c>. Used by <c>serve</c>, <c>demo</c>
/// and the tests (with port 0 for free ports).
/// </summary>
internal sealed class ReceiverServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions ReadyFileJson = new() { WriteIndented = true };

    private readonly WebApplication _app;
    private string? _readyFile;
    private bool _disposed;

    private ReceiverServer(WebApplication app, ProfileStore store, IngestService ingest)
    {
        _app = app;
        Store = store;
        Ingest = ingest;
    }

    public ProfileStore Store { get; }

    public IngestService Ingest { get; }

    /// <summary>The OTLP/gRPC endpoint, for example <c>http://127.0.0.1:4317</c>.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>The HTTP base URL (OTLP/HTTP, UI, API), for example <c>http://127.0.0.1:4318</c>.</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The full OTLP/HTTP profiles URL.</summary>
    public Uri OtlpHttpProfilesUrl => new(HttpEndpoint, OtlpHttpEndpoint.Path);

    /// <summary>The full OTLP/HTTP traces URL.</summary>
    public Uri OtlpHttpTracesUrl => new(HttpEndpoint, OtlpTraceHttpEndpoint.Path);

    /// <summary>Builds and starts the receiver; returns once both listeners accept connections.</summary>
    public static async Task<ReceiverServer> StartAsync(ReceiverOptions options, CancellationToken cancellationToken = default)
    {
        var address = CheckExposure(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();

        // One line per event, exceptions included: a hostile request must not fill the log with stack traces.
        builder.Logging.AddConsole(o => o.FormatterName = OneLineConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<OneLineConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        ListenOptions? grpcListen = null;
        ListenOptions? httpListen = null;
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Both transports enforce MaxRequestBytes themselves and answer with a proper status; Kestrel's own
            // limit sits above theirs so it never cuts a stream first (that surfaces as a bare reset, not a status).
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes + (1 << 20);
            kestrel.Listen(address, options.GrpcPort, listen => { listen.Protocols = HttpProtocols.Http2; grpcListen = listen; });
            kestrel.Listen(address, options.HttpPort, listen => { listen.Protocols = HttpProtocols.Http1; httpListen = listen; });
        });

        var store = new ProfileStore(options.DatabasePath, options.Retention, maxPageCount: options.MaxPageCount);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IngestService>();
        builder.Services.AddSingleton<TraceIngestService>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxRequestBytes);
            // Exception text is for the log, not for a client: statuses the receiver means to send are RpcExceptions.
            grpc.EnableDetailedErrors = false;
        });

        var app = builder.Build();
        var ingest = app.Services.GetRequiredService<IngestService>();
        var server = new ReceiverServer(app, store, ingest);

        // Access first (nothing else runs for a refused request), then the bound on exports in flight.
        var guard = new AccessGuard(options.Token);
        var gate = new IngestGate(options.MaxConcurrentRequests, options.QueueTimeout, options.MaxRequestBytes);
        app.Use((context, next) => guard.InvokeAsync(context, next));
        app.Use((context, next) => gate.InvokeAsync(context, next));

        // The gRPC port speaks HTTP/2 only and the HTTP port HTTP/1.1 only, so each route is reachable only where it belongs.
        app.MapGrpcService<OtlpGrpcService>();
        OtlpHttpEndpoint.Map(app, ingest, options.MaxRequestBytes);
        app.MapGrpcService<OtlpTraceGrpcService>();
        OtlpTraceHttpEndpoint.Map(app, app.Services.GetRequiredService<TraceIngestService>(), options.MaxRequestBytes);
        WebUiEndpoints.Map(app);
        QueryApi.Map(app, store, ingest);
        SpanApi.Map(app, store);

        await app.StartAsync(cancellationToken);

        // With port 0 Kestrel binds a free port and records it on the ListenOptions.
        var grpcPort = grpcListen?.IPEndPoint?.Port ?? options.GrpcPort;
        var httpPort = httpListen?.IPEndPoint?.Port ?? options.HttpPort;
        server.GrpcEndpoint = new Uri($"http://{FormatHost(options.Host)}:{grpcPort}");
        server.HttpEndpoint = new Uri($"http://{FormatHost(options.Host)}:{httpPort}");

        if (options.ReadyFile is not null)
        {
            server.WriteReadyFile(options.ReadyFile);
        }

        return server;
    }

    /// <summary>Stops the listeners (pending requests finish) and releases the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // A stale ready file would tell the next script the receiver is up when it is not.
        if (_readyFile is not null)
        {
            File.Delete(_readyFile);
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        Store.Dispose();
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: the normal way out.
        }
    }

    private void WriteReadyFile(string path)
    {
        // Written to a temporary name and renamed, so a script polling for the file never reads half of it.
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["pid"] = Environment.ProcessId,
            ["grpc"] = GrpcEndpoint.ToString().TrimEnd('/'),
            ["http"] = HttpEndpoint.ToString().TrimEnd('/'),
            ["otlpHttpProfiles"] = OtlpHttpProfilesUrl.ToString(),
            ["otlpHttpTraces"] = OtlpHttpTracesUrl.ToString(),
            ["ui"] = HttpEndpoint.ToString(),
            ["healthz"] = new Uri(HttpEndpoint, "/healthz").ToString(),
            ["database"] = Path.GetFullPath(Store.DatabasePath),
        }, ReadyFileJson);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, full, overwrite: true);
        _readyFile = full;
    }

    /// <summary>
    /// Parses the bind address and refuses to expose the receiver beyond this machine without a token: the store
    /// and the UI have no other protection.
    /// </summary>
    private static System.Net.IPAddress CheckExposure(ReceiverOptions options)
    {
        if (!System.Net.IPAddress.TryParse(options.Host, out var address))
        {
            throw new ArgumentException($"--host '{options.Host}' is not an IP address (for example 127.0.0.1, ::1 or 0.0.0.0)");
        }

        if (!System.Net.IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException(
                $"--host {options.Host} would expose the receiver beyond this machine without authentication; " +
                $"set --token (or {AccessGuard.TokenVariable}) so every request must carry it, or bind to 127.0.0.1");
        }

        return address;
    }

    private static string FormatHost(string host) => host.Contains(':') ? $"[{host}]" : host;
}
