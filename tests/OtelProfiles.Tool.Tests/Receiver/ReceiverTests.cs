using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Tests.Decoding;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

public class ReceiverTests
{
    [Fact]
    public async Task Grpc_export_is_stored_and_queryable()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var response = await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build());
        Assert.Null(response.PartialSuccess);

        Assert.Equal(2, receiver.Server.Store.Statistics().Profiles);
        var services = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/services")).RootElement;
        Assert.Equal("shop", services[0].GetProperty("service").GetString());
        Assert.Equal(["cpu:samples/count", "wall/nanoseconds"], services[0].GetProperty("profileTypes").EnumerateArray().Select(e => e.GetString()));

        var flame = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/flamegraph?service=shop&type=cpu:samples/count")).RootElement;
        Assert.Equal(100, flame.GetProperty("tree").GetProperty("v").GetInt64());
        Assert.Contains(KnownProfiles.HotFunction, flame.GetRawText());

        var top = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/top?service=shop&type=cpu:samples/count&filter=thread.name%3Dworker-2")).RootElement;
        Assert.Equal("System.Linq.Enumerable.Where", top[0].GetProperty("name").GetString());
        Assert.Equal(30, top[0].GetProperty("self").GetInt64());

        var labels = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/labels?service=shop&type=cpu:samples/count")).RootElement;
        Assert.Equal(["worker-1", "worker-2"], labels.GetProperty("thread.name").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(KnownProfiles.TraceId, labels.GetProperty("trace_id")[0].GetString());
    }

    [Fact]
    public async Task Http_protobuf_export_plain_and_gzip_is_stored()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var bytes = KnownProfiles.Build().BuildBytes();
        using (var plain = await PostAsync(receiver, bytes))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.Equal("application/x-protobuf", plain.Content.Headers.ContentType?.MediaType);
            ExportProfilesServiceResponse.Parser.ParseFrom(await plain.Content.ReadAsByteArrayAsync());
        }

        using (var gzipped = await PostAsync(receiver, Gzip(bytes), gzip: true))
        {
            Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        }

        Assert.Equal(4, receiver.Server.Store.Statistics().Profiles);
    }

    [Fact]
    public async Task Ready_file_and_healthz_report_the_endpoints_and_the_ready_file_goes_away_on_stop()
    {
        var receiver = await TestReceiver.StartAsync();
        var readyFile = receiver.ReadyFile;
        var ready = JsonDocument.Parse(await File.ReadAllTextAsync(receiver.ReadyFile)).RootElement;
        Assert.Equal(receiver.Server.GrpcEndpoint.ToString().TrimEnd('/'), ready.GetProperty("grpc").GetString());
        Assert.EndsWith("/v1development/profiles", ready.GetProperty("otlpHttpProfiles").GetString());
        var health = JsonDocument.Parse(await receiver.Http.GetStringAsync("/healthz")).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());
        await receiver.Server.DisposeAsync();
        Assert.False(File.Exists(readyFile));
        await receiver.DisposeAsync();
    }

    public static TheoryData<string> BadPayloads => ["garbage", "truncated", "legacy-layout", "bad-index", "empty-string-table"];

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task Bad_payloads_are_rejected_over_http_with_400_and_a_status_body_and_nothing_is_stored(string kind)
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var response = await PostAsync(receiver, BadPayload(kind));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((int)StatusCode.InvalidArgument, code);
        Assert.False(string.IsNullOrWhiteSpace(message));
        await AssertNothingStoredAndStillHealthyAsync(receiver);
    }

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task Bad_payloads_are_rejected_over_grpc_with_invalid_argument_and_nothing_is_stored(string kind)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => SendRawGrpcAsync(receiver, BadPayload(kind), ProfilesServiceName));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
        await AssertNothingStoredAndStillHealthyAsync(receiver);
    }

    [Fact]
    public async Task Oversized_payloads_are_rejected_on_both_transports()
    {
        await using var receiver = await TestReceiver.StartAsync(maxRequestBytes: 64 * 1024);
        var big = BigRequest();
        Assert.True(big.Length > 64 * 1024);

        using (var response = await PostAsync(receiver, big))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.ResourceExhausted, code);
            Assert.Contains("65536", message);
        }

        // A gzip body that is small on the wire but too large once decompressed.
        using (var bomb = await PostAsync(receiver, Gzip(new byte[1 << 20]), gzip: true))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
        }

        var grpcError = await Assert.ThrowsAsync<RpcException>(() => SendRawGrpcAsync(receiver, big, ProfilesServiceName));
        Assert.True(StatusCode.ResourceExhausted == grpcError.StatusCode, grpcError.ToString());
        await AssertNothingStoredAndStillHealthyAsync(receiver);
    }

    [Fact]
    public async Task Other_protocol_versions_and_encodings_get_clear_errors()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var bytes = KnownProfiles.Build().BuildBytes();

        using (var experimental = await PostAsync(receiver, bytes, path: "/v1experimental/profiles"))
        {
            Assert.Equal(HttpStatusCode.NotFound, experimental.StatusCode);
            var (code, message) = RpcStatusCodec.Decode(await experimental.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.Unimplemented, code);
            Assert.Contains("/v1development/profiles", message);
        }

        var grpcError = await Assert.ThrowsAsync<RpcException>(() =>
            SendRawGrpcAsync(receiver, bytes, "opentelemetry.proto.collector.profiles.v1experimental.ProfilesService"));
        Assert.Equal(StatusCode.Unimplemented, grpcError.StatusCode);

        using (var json = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await receiver.Http.PostAsync("/v1development/profiles", json))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        using (var content = new ByteArrayContent(bytes))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            content.Headers.ContentEncoding.Add("br");
            using var response = await receiver.Http.PostAsync("/v1development/profiles", content);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        using (var corruptGzip = await PostAsync(receiver, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0x00, 0x00], gzip: true))
        {
            Assert.Equal(HttpStatusCode.BadRequest, corruptGzip.StatusCode);
        }

        await AssertNothingStoredAndStillHealthyAsync(receiver);
    }

    [Fact]
    public async Task Diff_api_compares_two_time_ranges()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await receiver.Grpc.ExportAsync(KnownProfiles.Build(now.AddHours(-2)).Build());
        await receiver.Grpc.ExportAsync(KnownProfiles.BuildShifted(now.AddMinutes(-10)).Build());
        var hourAgo = now.AddHours(-1).ToUnixTimeMilliseconds();
        var url = $"/api/diff?type=cpu:samples/count&service=shop&from={hourAgo}&baseService=shop&baseFrom={hourAgo - 3_600_000}&baseTo={hourAgo}";
        var diff = JsonDocument.Parse(await receiver.Http.GetStringAsync(url)).RootElement;
        Assert.True(diff.GetProperty("diff").GetBoolean());
        var tree = diff.GetProperty("tree");
        Assert.Equal(100, tree.GetProperty("v").GetInt64());
        Assert.Equal(100, tree.GetProperty("b").GetInt64());

        var bad = await receiver.Http.GetAsync("/api/flamegraph?type=cpu:samples/count");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("service", await bad.Content.ReadAsStringAsync());
    }

    private const string ProfilesServiceName = "opentelemetry.proto.collector.profiles.v1development.ProfilesService";

    private static async Task AssertNothingStoredAndStillHealthyAsync(TestReceiver receiver)
    {
        Assert.Equal((0L, 0L, 0L), receiver.Server.Store.Statistics());
        using var health = await receiver.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // And the receiver still takes good data on both transports.
        await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build());
        using var ok = await PostAsync(receiver, KnownProfiles.Build().BuildBytes());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(4, receiver.Server.Store.Statistics().Profiles);
    }

    private static byte[] BadPayload(string kind)
    {
        var valid = KnownProfiles.Build().BuildBytes();
        switch (kind)
        {
            case "garbage":
                return [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x42];
            case "truncated":
                return valid[..(valid.Length / 2)];
            case "legacy-layout":
                return LegacyPayloads.PreV110SampleLayout();
            case "bad-index":
                var request = KnownProfiles.Build().Build();
                request.Dictionary.StackTable[1].LocationIndices[0] = 12345;
                return request.ToByteArray();
            default:
                var noStrings = KnownProfiles.Build().Build();
                noStrings.Dictionary.StringTable.Clear();
                return noStrings.ToByteArray();
        }
    }

    private static byte[] BigRequest()
    {
        var builder = new OtlpRequestBuilder();
        var profile = builder.AddProfile("shop", "samples", "count", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15));
        for (var i = 0; i < 3000; i++)
        {
            profile.Sample(1, ["Program.Main", $"Shop.Generated.Function{i}"]);
        }

        return builder.BuildBytes();
    }

    private static async Task<HttpResponseMessage> PostAsync(TestReceiver receiver, byte[] body, bool gzip = false, string path = "/v1development/profiles")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return await receiver.Http.PostAsync(path, content);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static async Task SendRawGrpcAsync(TestReceiver receiver, byte[] payload, string service)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, "Export", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        await receiver.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
    }
}
