using System.Text;
using Grpc.Core;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

/// <summary>Header values are credentials: no failure path may put them into a log line, an error or a ToString().</summary>
public sealed class SecretRedactionTests
{
    private const string Secret = "c2VjcmV0";
    private const string AuthorizationValue = "Basic " + Secret;
    private static readonly Dictionary<string, string> Headers = new() { ["Authorization"] = AuthorizationValue };
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_secret_is_absent_from_every_log_line_error_and_exception_on_every_failure_path()
    {
        var logger = new CapturingLogger();
        var texts = new StringBuilder();
        await using var receiver = await OtlpTestReceiver.StartAsync();

        // Receivers and proxies that echo the credential back in their error text.
        receiver.HttpReplies.Then(
            ReceiverReply.HttpStatus(401, textBody: $"invalid credentials '{AuthorizationValue}'"),
            ReceiverReply.HttpRpcStatus(403, $"token {Secret} has expired"),
            ReceiverReply.PartialSuccess(1, $"profile rejected for {AuthorizationValue}"));
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(503, retryAfter: "1", textBody: $"overloaded, retry with {Secret}");
        receiver.GrpcReplies.Then(
            ReceiverReply.GrpcStatus(StatusCode.Unauthenticated, $"bad authorization header {AuthorizationValue}"),
            ReceiverReply.PartialSuccess(1, $"rejected {Secret}"),
            ReceiverReply.GrpcStatus(StatusCode.PermissionDenied, $"{Secret} may not write"));
        receiver.GrpcReplies.WhenEmpty = ReceiverReply.GrpcStatus(StatusCode.Unavailable, $"busy ({Secret})", TimeSpan.FromSeconds(1));

        foreach (var (protocol, endpoint, requests) in new (ProfilesExportProtocol, Uri, int)[]
        {
            (ProfilesExportProtocol.HttpProtobuf, receiver.HttpEndpoint, 4), // 401, 403, partial success, 503 until retries run out
            (ProfilesExportProtocol.Grpc, receiver.GrpcEndpoint, 4), // unauthenticated, partial success, denied, unavailable until retries run out
            (ProfilesExportProtocol.HttpProtobuf, ClosedPort.Uri("/v1development/profiles"), 1), // connection refused
            (ProfilesExportProtocol.Grpc, ClosedPort.Uri(), 1), // connection refused
        })
        {
            await using var queue = this.CreateQueue(protocol, endpoint, logger, texts, TimeSpan.FromSeconds(30));
            for (var i = 0; i < requests; i++)
            {
                queue.Enqueue(TestRequests.Create(i));
            }

            Assert.True(await queue.FlushAsync(Wait));
            texts.AppendLine(queue.ToString());
        }

        // Timeouts, then a full queue and requests dropped at shutdown behind a stalled receiver.
        receiver.HttpReplies.WhenEmpty = ReceiverReply.Stall;
        receiver.GrpcReplies.WhenEmpty = ReceiverReply.Stall;
        foreach (var (protocol, endpoint) in new[] { (ProfilesExportProtocol.HttpProtobuf, receiver.HttpEndpoint), (ProfilesExportProtocol.Grpc, receiver.GrpcEndpoint) })
        {
            var queue = this.CreateQueue(protocol, endpoint, logger, texts, TimeSpan.FromMilliseconds(200));
            for (var i = 0; i < 20; i++)
            {
                queue.Enqueue(TestRequests.Create(i));
            }

            texts.AppendLine(queue.ToString());
            await queue.DisposeAsync();
        }

        // Direct exporter outcomes, not only what the queue logged.
        using (var http = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, Headers, TimeSpan.FromMilliseconds(200), compress: true))
        using (var grpc = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, Headers, TimeSpan.FromMilliseconds(200), compress: true))
        {
            texts.AppendLine((await http.ExportAsync(TestRequests.Create(1), CancellationToken.None)).ToString());
            texts.AppendLine((await grpc.ExportAsync(TestRequests.Create(1), CancellationToken.None)).ToString());
            texts.AppendLine(http.ToString()).AppendLine(grpc.ToString());
        }

        // Configuration errors: a bad value is reported by header name only.
        foreach (var bad in new Dictionary<string, string>[]
        {
            new() { ["Authorization"] = AuthorizationValue + "\r\nX-Injected: 1" },
            new() { ["Authorization"] = AuthorizationValue + "é" },
        })
        {
            texts.AppendLine(Assert.Throws<ArgumentException>(() => new OtlpHttpProfilesExporter(receiver.HttpEndpoint, bad, Wait, true)).ToString());
            texts.AppendLine(Assert.Throws<ArgumentException>(() => new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, bad, Wait, true)).ToString());
        }

        texts.AppendLine(new ProfilesExporterSettings { Protocol = ProfilesExportProtocol.Grpc, Endpoint = receiver.GrpcEndpoint, Headers = Headers }.ToString());

        var everything = logger.AllText + Environment.NewLine + texts;
        Assert.DoesNotContain(Secret, everything, StringComparison.OrdinalIgnoreCase);

        // The failure paths really ran, and the echoed credentials were masked rather than never sent back.
        // At least: four scripted replies per protocol and the two direct exports. How many retries and stalled
        // sends arrive on top depends on timing (a shutdown stops retrying and drops what waits behind a failure).
        Assert.True(receiver.Requests.Count >= 10, $"only {receiver.Requests.Count} requests arrived");
        Assert.All(receiver.Requests, r => Assert.Equal(AuthorizationValue, r.Header("Authorization")));
        foreach (var expected in new[]
        {
            "HTTP 401", "HTTP 403", "HTTP 503", "gRPC Unauthenticated", "gRPC PermissionDenied", "gRPC Unavailable",
            "partially succeeded", "refused", "timeout", "is full", "dropped at shutdown", "***",
        })
        {
            Assert.Contains(expected, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    private ExportQueue CreateQueue(ProfilesExportProtocol protocol, Uri endpoint, CapturingLogger logger, StringBuilder texts, TimeSpan timeout)
    {
        var settings = new ProfilesExporterSettings
        {
            Protocol = protocol,
            Endpoint = endpoint,
            Headers = Headers,
            Timeout = timeout,
            Compression = true,
            Retry = RetryPolicy.Default with { MaxAttempts = 3 },
            Queue = new ExportQueueOptions { Capacity = 4, ShutdownTimeout = TimeSpan.FromMilliseconds(300) },
        };
        var exporter = ProfilesExporterFactory.CreateExporter(settings, logger, new RecordingDelay().Delay);
        texts.AppendLine(settings.ToString()).AppendLine(exporter.ToString());
        return new ExportQueue(exporter, logger, settings.Queue);
    }
}
