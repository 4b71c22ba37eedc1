using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// A real OTLP profiles receiver on 127.0.0.1 with ephemeral ports: gRPC over HTTP/2 cleartext at
/// <see cref="GrpcEndpoint"/> and OTLP/HTTP at <see cref="HttpEndpoint"/>. It records every request and answers
/// from programmable scripts.
/// <code>
/// await using var receiver = await OtlpTestReceiver.StartAsync();
/// receiver.HttpReplies.Then(ReceiverReply.HttpStatus(503, retryAfter: "1"), ReceiverReply.Ok);
/// ... export to receiver.HttpEndpoint ...
/// var requests = await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
/// </code>
/// </summary>
internal sealed class OtlpTestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ReceiverState _state;

    private OtlpTestReceiver(WebApplication app, ReceiverState state, int grpcPort, int httpPort)
    {
        _app = app;
        _state = state;
        this.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        this.HttpBaseEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
        this.HttpEndpoint = new Uri(this.HttpBaseEndpoint, HttpProfilesReceiverEndpoint.Path);
    }

    /// <summary>The gRPC base address (HTTP/2 cleartext), for example <c>http://127.0.0.1:40123</c>.</summary>
    public Uri GrpcEndpoint { get; }

    /// <summary>The OTLP/HTTP base address, what <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> would be set to.</summary>
    public Uri HttpBaseEndpoint { get; }

    /// <summary>The full OTLP/HTTP profiles URL, <c>{HttpBaseEndpoint}/v1development/profiles</c>.</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>Answers of the gRPC endpoint, in order; OK once used up.</summary>
    public ReplyScript GrpcReplies => _state.GrpcReplies;

    /// <summary>Answers of the HTTP endpoint, in order; 200 once used up.</summary>
    public ReplyScript HttpReplies => _state.HttpReplies;

    /// <summary>Every request received so far, both endpoints, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _state.Snapshot();

    /// <summary>Starts a receiver; dispose it to stop.</summary>
    public static async Task<OtlpTestReceiver> StartAsync(CancellationToken cancellationToken = default)
    {
        var state = new ReceiverState();
        ListenOptions? grpcListener = null;
        ListenOptions? httpListener = null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc(options =>
        {
            options.EnableDetailedErrors = true;
            options.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;

            // Cleartext HTTP/2 needs "prior knowledge", so the gRPC port speaks only HTTP/2; OTLP/HTTP clients
            // use HTTP/1.1, so that port speaks only HTTP/1.1.
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListener = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpListener = listen;
            });
        });

        var app = builder.Build();
        app.Use(RequestByteCounter.CountAsync);
        app.MapGrpcService<GrpcProfilesReceiverService>();
        app.MapPost(HttpProfilesReceiverEndpoint.Path, (HttpContext context) => HttpProfilesReceiverEndpoint.HandleAsync(context, state));
        await app.StartAsync(cancellationToken);

        // Kestrel writes the bound ephemeral port back into each ListenOptions.
        return new OtlpTestReceiver(app, state, grpcListener!.IPEndPoint!.Port, httpListener!.IPEndPoint!.Port);
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests have arrived and returns them all; throws
    /// <see cref="TimeoutException"/> naming how many did arrive.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        try
        {
            await _state.WhenCount(count).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Expected {count} request(s) within {timeout.TotalSeconds:0.#} s, got {_state.Snapshot().Count}.");
        }

        return _state.Snapshot();
    }

    /// <summary>Stops the receiver; stalled replies end and their connections close.</summary>
    public async ValueTask DisposeAsync()
    {
        await _state.Stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Stopping.Dispose();
    }
}
