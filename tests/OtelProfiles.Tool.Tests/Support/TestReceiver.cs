using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Tool.Receiver;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>A real receiver on 127.0.0.1 with free ports and a temporary database, plus clients for both transports.</summary>
internal sealed class TestReceiver : IAsyncDisposable
{
    private readonly string _directory;

    private TestReceiver(ReceiverServer server, string directory)
    {
        Server = server;
        _directory = directory;
        Http = new HttpClient { BaseAddress = server.HttpEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        Channel = GrpcChannel.ForAddress(server.GrpcEndpoint, new GrpcChannelOptions { MaxSendMessageSize = null });
        Grpc = new ProfilesService.ProfilesServiceClient(Channel);
    }

    public ReceiverServer Server { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public ProfilesService.ProfilesServiceClient Grpc { get; }

    public static async Task<TestReceiver> StartAsync(long maxRequestBytes = 16L << 20, Func<ReceiverOptions, ReceiverOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "otel-profiles-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var options = new ReceiverOptions
        {
            GrpcPort = 0,
            HttpPort = 0,
            DatabasePath = Path.Combine(directory, "profiles.db"),
            MaxRequestBytes = maxRequestBytes,
            ReadyFile = Path.Combine(directory, "ready.json"),
        };
        var server = await ReceiverServer.StartAsync(configure?.Invoke(options) ?? options);
        return new TestReceiver(server, directory);
    }

    public string ReadyFile => Path.Combine(_directory, "ready.json");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
