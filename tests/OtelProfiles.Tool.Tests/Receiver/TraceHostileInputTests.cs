using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 20: the trace path meets the profiles path's bar for hostile input (issue 19).</summary>
public class TraceHostileInputTests
{
    private const string TracePath = "/v1/traces";
    private const string TraceService = "opentelemetry.proto.collector.trace.v1.TraceService";

    public static TheoryData<string, string> BadPayloads => new()
    {
        { "garbage", "not a valid protobuf" },
        { "truncated", "not a valid protobuf" },
        { "wrong-wire-type", "name" },
        { "short-trace-id", "trace_id has 15 bytes; it must have 16" },
        { "zero-span-id", "span_id is all zeros" },
        { "bad-parent", "parent_span_id has 3 bytes" },
        { "deep-attribute", "AnyValue" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task Bad_trace_payloads_get_400_over_http_and_invalid_argument_over_grpc_and_nothing_is_stored(string kind, string reason)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var payload = BadPayload(kind);
        using (var response = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(payload)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.InvalidArgument, code);
            Assert.Contains(reason, message);
            Assert.DoesNotContain("   at ", message);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => SendRawGrpcAsync(receiver, payload));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(reason, error.Status.Detail);
        await AssertNothingStoredAndStillTakesTracesAsync(receiver);
    }

    [Fact]
    public async Task Oversized_trace_requests_gzip_bombs_and_wrong_media_types_get_their_statuses()
    {
        await using var receiver = await TestReceiver.StartAsync(maxRequestBytes: 64 * 1024);
        var big = ManySpans(3000).ToByteArray();
        Assert.True(big.Length > 64 * 1024);

        using (var response = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(big)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.ResourceExhausted, code);
            Assert.Contains("65536", message);
        }

        using (var bomb = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(HostileInputTests.Gzip(new byte[1 << 20]), gzip: true)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
        }

        using (var corrupt = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0x00, 0x00], gzip: true)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, corrupt.StatusCode);
        }

        using (var json = new StringContent("{\"resourceSpans\":[]}", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await receiver.Http.PostAsync(TracePath, json))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        using (var brotli = HostileInputTests.Protobuf(LinkedTrace.Spans(DateTimeOffset.UtcNow).BuildBytes()))
        {
            brotli.Headers.ContentEncoding.Add("br");
            using var response = await receiver.Http.PostAsync(TracePath, brotli);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        var grpc = await Assert.ThrowsAsync<RpcException>(() => SendRawGrpcAsync(receiver, big));
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);
        await AssertNothingStoredAndStillTakesTracesAsync(receiver);
    }

    [Fact]
    public async Task Trace_exports_share_the_decoding_slots_and_get_503_and_unavailable_when_busy()
    {
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { MaxConcurrentRequests = 1, QueueTimeout = TimeSpan.FromMilliseconds(300) });
        var bytes = LinkedTrace.Spans(DateTimeOffset.UtcNow).BuildBytes();

        // A trace export holds the only slot: its headers and the first bytes of its body arrive, the rest waits.
        using var slow = new System.Net.Sockets.TcpClient();
        await slow.ConnectAsync(receiver.Server.HttpEndpoint.Host, receiver.Server.HttpEndpoint.Port);
        var stream = slow.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST {TracePath} HTTP/1.1\r\nHost: 127.0.0.1:{receiver.Server.HttpEndpoint.Port}\r\n" +
            $"Content-Type: application/x-protobuf\r\nContent-Length: {bytes.Length}\r\n\r\n"));
        await stream.WriteAsync(bytes.AsMemory(0, 10));
        await stream.FlushAsync();
        await Task.Delay(1000);

        using (var busy = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(bytes)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.NotNull(busy.Headers.RetryAfter);
            Assert.Equal((int)StatusCode.Unavailable, RpcStatusCodec.Decode(await busy.Content.ReadAsByteArrayAsync()).Code);
        }

        var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel);
        var grpcBusy = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(LinkedTrace.Spans(DateTimeOffset.UtcNow).Build()));
        Assert.Equal(StatusCode.Unavailable, grpcBusy.StatusCode);

        await stream.WriteAsync(bytes.AsMemory(10));
        await stream.FlushAsync();
        var answer = new byte[64];
        var read = await stream.ReadAsync(answer);
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.ASCII.GetString(answer, 0, read));
        Assert.Equal(5, receiver.Server.Store.SpanCount());
    }

    [Fact]
    public async Task Trace_ingest_and_the_span_api_answer_only_loopback_hosts_or_the_token()
    {
        await using (var receiver = await TestReceiver.StartAsync())
        {
            foreach (var (method, path) in ((HttpMethod, string)[])[(HttpMethod.Post, TracePath), (HttpMethod.Get, "/api/spans"), (HttpMethod.Get, $"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}")])
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Host = "evil.example";
                if (method == HttpMethod.Post)
                {
                    request.Content = HostileInputTests.Protobuf(LinkedTrace.Spans(DateTimeOffset.UtcNow).BuildBytes());
                }

                using var response = await receiver.Http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
            }

            Assert.Equal(0, receiver.Server.Store.SpanCount());
        }

        const string Token = "trace-token-for-tests";
        await using (var receiver = await TestReceiver.StartAsync(configure: o => o with { Token = Token }))
        {
            using (var anonymous = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(LinkedTrace.Spans(DateTimeOffset.UtcNow).BuildBytes())))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel);
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(LinkedTrace.Spans(DateTimeOffset.UtcNow).Build()));
            Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
            Assert.Equal(0, receiver.Server.Store.SpanCount());

            await client.ExportAsync(LinkedTrace.Spans(DateTimeOffset.UtcNow).Build(), new Metadata { { "authorization", $"Bearer {Token}" } });
            using var list = new HttpRequestMessage(HttpMethod.Get, "/api/spans");
            list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var listed = await receiver.Http.SendAsync(list);
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            Assert.Contains("GET /checkout", await listed.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Long_names_are_stored_cut_and_markup_comes_back_verbatim_as_json_text()
    {
        await using var receiver = await TestReceiver.StartAsync();
        const string Markup = "<img src=x onerror=alert(1)>\"</script>";
        var longName = Markup + new string('n', 100_000);
        var splitPair = new string('a', 510) + "\U0001F600" + new string('b', 1000);
        var builder = new OtlpTraceBuilder()
            .Span(new string('s', 10_000), longName, LinkedTrace.TraceId, LinkedTrace.Root, null, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2))
            .Span("shop", splitPair, LinkedTrace.TraceId, LinkedTrace.Child, LinkedTrace.Root, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        using (var response = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(builder.BuildBytes())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var text = await receiver.Http.GetStringAsync("/api/spans");
        Assert.True(text.Length < 4000, $"the listing is {text.Length} characters");
        var spans = JsonDocument.Parse(text).RootElement.GetProperty("spans");
        var first = spans[0];
        Assert.Equal(Markup + new string('n', 511 - Markup.Length) + "…", first.GetProperty("name").GetString());
        Assert.Equal(256, first.GetProperty("service").GetString()!.Length);
        Assert.Equal(new string('a', 510) + "…", spans[1].GetProperty("name").GetString());

        // The list limit is bounded whatever is asked.
        var many = ManySpans(1500);
        await new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel).ExportAsync(many);
        var listed = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/spans?limit=1000000")).RootElement;
        Assert.Equal(1000, listed.GetProperty("spans").GetArrayLength());
    }

    [Fact]
    public async Task A_full_disk_answers_trace_exports_with_503_and_unavailable()
    {
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { MaxPageCount = 40 });
        var batch = ManySpans(400);
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 50 && status == HttpStatusCode.OK; i++)
        {
            using var response = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(batch.ToByteArray()));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
                Assert.Equal((int)StatusCode.Unavailable, code);
                Assert.Contains("full", message);
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel);
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(batch));
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
    }

    internal static ExportTraceServiceRequest ManySpans(int count, string service = "filler")
    {
        var builder = new OtlpTraceBuilder();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < count; i++)
        {
            builder.Span(service, $"GET /items/{i}", Guid.NewGuid().ToString("N"), (0x1000_0000_0000_0000L + i).ToString("x16"), null, start, TimeSpan.FromMilliseconds(i + 1));
        }

        return builder.Build();
    }

    private static byte[] BadPayload(string kind)
    {
        var request = LinkedTrace.Spans(DateTimeOffset.UtcNow).Build();
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[1];
        switch (kind)
        {
            case "garbage":
                return [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x42];
            case "truncated":
                var valid = request.ToByteArray();
                return valid[..(valid.Length / 2)];
            case "wrong-wire-type":
                // resource_spans { scope_spans { spans { name (field 5, a string) sent as the varint 1 } } }
                byte[] spanBytes = [0x28, 0x01];
                byte[] scope = [0x12, (byte)spanBytes.Length, .. spanBytes];
                byte[] resource = [0x12, (byte)scope.Length, .. scope];
                return [0x0a, (byte)resource.Length, .. resource];
            case "short-trace-id":
                span.TraceId = ByteString.CopyFrom(new byte[15]);
                break;
            case "zero-span-id":
                span.SpanId = ByteString.CopyFrom(new byte[8]);
                break;
            case "bad-parent":
                span.ParentSpanId = ByteString.CopyFrom([1, 2, 3]);
                break;
            default:
                var value = new AnyValue { StringValue = "deep" };
                for (var i = 0; i < 20; i++)
                {
                    var outer = new AnyValue { ArrayValue = new ArrayValue() };
                    outer.ArrayValue.Values.Add(value);
                    value = outer;
                }

                span.Attributes.Add(new KeyValue { Key = "deep", Value = value });
                break;
        }

        return request.ToByteArray();
    }

    private static async Task AssertNothingStoredAndStillTakesTracesAsync(TestReceiver receiver)
    {
        Assert.Equal(0, receiver.Server.Store.SpanCount());
        Assert.Equal((0L, 0L, 0L), receiver.Server.Store.Statistics());
        using var ok = await receiver.Http.PostAsync(TracePath, HostileInputTests.Protobuf(LinkedTrace.Spans(DateTimeOffset.UtcNow).BuildBytes()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(5, receiver.Server.Store.SpanCount());
    }

    private static async Task SendRawGrpcAsync(TestReceiver receiver, byte[] payload)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, TraceService, "Export", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        await receiver.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
    }
}
