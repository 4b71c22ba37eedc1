using System.Globalization;
using System.Net;
using Grpc.Core;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>
/// Issue 19, receiver item 5: a gRPC export whose body ends before its message does (a length prefix promising more
/// bytes than arrive, or a body cut inside the 5-byte prefix) is a malformed request, so it gets INVALID_ARGUMENT
/// with a one-line reason: not UNKNOWN, no exception text in the answer, no stack trace in the log. Sent with a real
/// HTTP/2 client to a real <c>serve</c> process on 127.0.0.1.
/// </summary>
public class ShortGrpcBodyTests(ShortGrpcBodyTests.Receiver receiver) : IClassFixture<ShortGrpcBodyTests.Receiver>
{
    /// <summary>One <c>serve</c> for all cases: each case also checks it still stores a valid export afterwards.</summary>
    public sealed class Receiver : IDisposable
    {
        internal ServeProcess Serve { get; } = ServeProcess.Start("--max-request-size", "4MiB");

        public void Dispose() => Serve.Dispose();
    }

    public static TheoryData<string, byte[]> ShortBodies => new()
    {
        { "prefix says 100 bytes, 2 follow", [0, 0, 0, 0, 100, 0x0a, 0x00] },
        { "prefix says 5 bytes, none follow", [0, 0, 0, 0, 5] },
        { "prefix says 16 KiB (under the limit), 1 KiB follows", [0, 0, 0, 0x40, 0, .. new byte[1024]] },
        { "compressed, prefix says 64 bytes, 10 follow", [1, 0, 0, 0, 64, .. new byte[10]] },
        { "body cut after 1 prefix byte", [0] },
        { "body cut after 4 prefix bytes", [0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(ShortBodies))]
    public async Task A_body_shorter_than_its_frame_gets_invalid_argument_without_exception_text(string kind, byte[] body)
    {
        var serve = receiver.Serve;
        var (httpStatus, status, message) = await RawGrpcExport.SendAsync(serve.GrpcEndpoint, body, gzipEncoding: body.Length > 0 && body[0] == 1);
        Assert.Equal(HttpStatusCode.OK, httpStatus);
        Assert.True(((int)StatusCode.InvalidArgument).ToString(CultureInfo.InvariantCulture) == status, $"{kind}: grpc-status {status} ({message})");
        Assert.InRange(message.Length, 10, 300);
        Assert.DoesNotContain("Exception", message);
        Assert.DoesNotContain("exception", message);

        // The receiver still works, and its log holds no exception text or stack trace.
        using var grpcClient = Grpc.Net.Client.GrpcChannel.ForAddress(serve.GrpcEndpoint);
        var client = new OpenTelemetry.Proto.Collector.Profiles.V1Development.ProfilesService.ProfilesServiceClient(grpcClient);
        await client.ExportAsync(KnownProfiles.Build().Build());
        await Task.Delay(500);
        Assert.DoesNotContain("   at ", serve.Output);
        Assert.DoesNotContain("Exception", serve.Output);
    }

    [Fact]
    public async Task A_whole_message_larger_than_the_http2_stream_window_is_still_accepted()
    {
        // Waiting for the whole message must keep HTTP/2 flow control moving: 2 MiB is more than Kestrel's initial
        // stream window (768 KiB), so a check that buffered without marking bytes examined would hang here.
        var export = KnownProfiles.Build(service: "large").Build();
        export.Dictionary.StringTable.Add(new string('x', 2 << 20));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(receiver.Serve.GrpcEndpoint, new Grpc.Net.Client.GrpcChannelOptions { MaxSendMessageSize = null });
        var client = new OpenTelemetry.Proto.Collector.Profiles.V1Development.ProfilesService.ProfilesServiceClient(channel);
        await client.ExportAsync(export, deadline: DateTime.UtcNow.AddSeconds(60));
    }
}
