using System.Text;
using Grpc.Core;
using OtelProfiles.Export;
using OtelProfiles.Tests.Diagnostics;
using OtelProfiles.Tests.Export.Faults;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

/// <summary>
/// Credentials in the endpoint URL (<c>https://user:password@host/...?api-key=...</c>) and header values never reach
/// a log line (any level), an EventSource event or an exception message, whether the export succeeds or fails.
/// Everything goes through the real exporters against real local receivers.
/// </summary>
public sealed class EndpointCredentialRedactionTests
{
    private const string User = "profiler-user";
    private const string Password = "Pa55w0rd-9f2c";
    private const string ApiKey = "key-8c1f3e77";
    private const string Token = "tok-5b7d1a0e44";
    private static readonly string[] Secrets = [User, Password, ApiKey, Token];
    private static readonly Dictionary<string, string> Headers = new() { ["Authorization"] = "Bearer " + Token };
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Endpoint_and_header_credentials_are_absent_from_logs_events_and_errors_on_every_path()
    {
        using var events = new ProfilesEventListener();
        var logger = new CapturingLogger();
        var texts = new StringBuilder();
        await using var receiver = await OtlpTestReceiver.StartAsync();
        await using var hanging = FaultyReceiver.Start(ReceiverFault.Hanging);
        await using var resetting = FaultyReceiver.Start(ReceiverFault.Resetting);

        // A receiver that echoes the credentials back, then sheds load (retried: Debug lines), then accepts.
        var echo = $"denied {User}:{Password} with api-key={ApiKey} and {Token}";
        receiver.HttpReplies.Then(
            ReceiverReply.HttpStatus(401, textBody: echo),
            ReceiverReply.HttpStatus(503, retryAfter: "0", textBody: echo),
            ReceiverReply.PartialSuccess(1, echo));
        receiver.GrpcReplies.Then(
            ReceiverReply.GrpcStatus(StatusCode.Unauthenticated, echo),
            ReceiverReply.GrpcStatus(StatusCode.Unavailable, echo, TimeSpan.Zero),
            ReceiverReply.PartialSuccess(1, echo));

        foreach (var (protocol, endpoint, requests) in new (ProfilesExportProtocol, Uri, int)[]
        {
            (ProfilesExportProtocol.HttpProtobuf, receiver.HttpEndpoint, 3), // 401; 503 then OK; partial success
            (ProfilesExportProtocol.Grpc, receiver.GrpcEndpoint, 3), // unauthenticated; unavailable then OK; partial success
            (ProfilesExportProtocol.HttpProtobuf, ClosedPort.Uri("/v1development/profiles"), 1), // connection refused
            (ProfilesExportProtocol.Grpc, ClosedPort.Uri(), 1),
            (ProfilesExportProtocol.HttpProtobuf, resetting.HttpUri, 1), // connection reset
            (ProfilesExportProtocol.Grpc, resetting.BaseUri, 1),
        })
        {
            var queue = CreateQueue(protocol, WithCredentials(endpoint), logger, texts, TimeSpan.FromSeconds(10));
            for (var i = 0; i < requests; i++)
            {
                queue.Enqueue(TestRequests.Create(i));
            }

            Assert.True(await queue.FlushAsync(Wait));
            texts.AppendLine(queue.ToString());
            await queue.DisposeAsync();
        }

        // Timeouts, a full queue and requests dropped at shutdown behind a receiver that never answers.
        foreach (var (protocol, endpoint) in new[] { (ProfilesExportProtocol.HttpProtobuf, hanging.HttpUri), (ProfilesExportProtocol.Grpc, hanging.BaseUri) })
        {
            var queue = CreateQueue(protocol, WithCredentials(endpoint), logger, texts, TimeSpan.FromMilliseconds(300));
            for (var i = 0; i < 10; i++)
            {
                queue.Enqueue(TestRequests.Create(i));
            }

            await Task.Delay(500);
            await queue.DisposeAsync();
        }

        // Exceptions: an endpoint the exporters refuse names itself without its credentials.
        foreach (var bad in new[] { $"ftp://{User}:{Password}@collector.example/?api-key={ApiKey}" })
        {
            texts.AppendLine(Assert.Throws<ArgumentException>(() => new OtlpHttpProfilesExporter(new Uri(bad), Headers, Wait, true)).ToString());
            texts.AppendLine(Assert.Throws<ArgumentException>(() => new OtlpGrpcProfilesExporter(new Uri(bad), Headers, Wait, true)).ToString());
        }

        var everything = string.Join(Environment.NewLine, logger.AllText, events.AllText, texts);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        }

        // The paths really ran: Debug retry lines, warnings, every event kind, and the credentials were sent.
        Assert.Contains(logger.Entries, e => e.EventId == 18);
        foreach (var expected in new[] { "HTTP 401", "gRPC Unauthenticated", "partially succeeded", "refused", "timed out", "dropped at shutdown", "is full", "***" })
        {
            Assert.Contains(expected, everything, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var name in new[] { "ExportSucceeded", "ExportFailed", "ExportRetrying", "ExportPartialSuccess", "QueueDropped" })
        {
            Assert.Contains(events.Events, e => e.EventName == name);
        }

        Assert.All(receiver.Requests, r => Assert.Equal("Bearer " + Token, r.Header("Authorization")));
    }

    private static Uri WithCredentials(Uri endpoint) =>
        new UriBuilder(endpoint) { UserName = User, Password = Password, Query = "api-key=" + ApiKey }.Uri;

    private static ExportQueue CreateQueue(ProfilesExportProtocol protocol, Uri endpoint, CapturingLogger logger, StringBuilder texts, TimeSpan timeout)
    {
        var settings = new ProfilesExporterSettings
        {
            Protocol = protocol,
            Endpoint = endpoint,
            Headers = Headers,
            Timeout = timeout,
            Compression = true,
            Retry = RetryPolicy.Default with { MaxAttempts = 2 },
            Queue = new ExportQueueOptions { Capacity = 4, ShutdownTimeout = TimeSpan.FromMilliseconds(500) },
        };
        var exporter = ProfilesExporterFactory.CreateExporter(settings, logger, new RecordingDelay().Delay);
        texts.AppendLine(settings.ToString()).AppendLine(exporter.ToString()).AppendLine(exporter.Target);
        return new ExportQueue(exporter, logger, settings.Queue);
    }
}
