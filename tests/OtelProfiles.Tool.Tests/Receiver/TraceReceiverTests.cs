using System.Net;
using System.Text.Json;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 20: serve takes OTLP traces on both transports, and a span's flame graph holds exactly its linked samples.</summary>
public class TraceReceiverTests
{
    [Fact]
    public async Task Http_traces_plain_and_gzip_are_stored_and_listed_slowest_first_with_filters()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var bytes = LinkedTrace.Spans(start).BuildBytes();
        using (var plain = await receiver.Http.PostAsync("/v1/traces", HostileInputTests.Protobuf(bytes)))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.Equal("application/x-protobuf", plain.Content.Headers.ContentType?.MediaType);
            ExportTraceServiceResponse.Parser.ParseFrom(await plain.Content.ReadAsByteArrayAsync());
        }

        var later = new OtlpTraceBuilder().Span("shop", "GET /orders", "1af7651916cd43dd8448eb211c80319c", "a1ad6b7169203331", null, start.AddMinutes(1), TimeSpan.FromMilliseconds(1500));
        using (var gzipped = await receiver.Http.PostAsync("/v1/traces", HostileInputTests.Protobuf(HostileInputTests.Gzip(later.BuildBytes()), gzip: true)))
        {
            Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        }

        Assert.Equal(6, receiver.Server.Store.SpanCount());
        var all = await GetJsonAsync(receiver, "/api/spans");
        Assert.Equal(["cart", "shop"], all.GetProperty("services").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["GET /orders", "GET /checkout", "checkout", "GET /prices", "score risk", "GET /cart"], Names(all));
        var first = all.GetProperty("spans")[1];
        Assert.Equal(LinkedTrace.TraceId, first.GetProperty("traceId").GetString());
        Assert.Equal(LinkedTrace.Root, first.GetProperty("spanId").GetString());
        Assert.Equal("", first.GetProperty("parentSpanId").GetString());
        Assert.Equal(800.0, first.GetProperty("durationMs").GetDouble());
        Assert.Equal(start.ToUnixTimeMilliseconds(), first.GetProperty("startMs").GetInt64());

        Assert.Equal(["GET /cart"], Names(await GetJsonAsync(receiver, "/api/spans?service=cart")));
        Assert.Equal(["GET /checkout", "checkout"], Names(await GetJsonAsync(receiver, "/api/spans?service=shop&name=CHECKOUT")));
        Assert.Equal(["GET /orders", "GET /checkout"], Names(await GetJsonAsync(receiver, "/api/spans?limit=2")));
        var from = start.AddSeconds(30).ToUnixTimeMilliseconds();
        Assert.Equal(["GET /orders"], Names(await GetJsonAsync(receiver, $"/api/spans?from={from}")));

        using var bad = await receiver.Http.GetAsync("/api/spans?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Grpc_trace_export_is_stored_next_to_profiles()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var client = new TraceService.TraceServiceClient(receiver.Channel);
        var response = await client.ExportAsync(LinkedTrace.Spans(DateTimeOffset.UtcNow.AddMinutes(-1)).Build());
        Assert.Null(response.PartialSuccess);
        await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build());

        Assert.Equal(5, receiver.Server.Store.SpanCount());
        Assert.Equal(2, receiver.Server.Store.Statistics().Profiles);
        Assert.Equal(5, (await GetJsonAsync(receiver, "/api/spans")).GetProperty("spans").GetArrayLength());

        var ready = JsonDocument.Parse(await File.ReadAllTextAsync(receiver.ReadyFile)).RootElement;
        Assert.EndsWith("/v1/traces", ready.GetProperty("otlpHttpTraces").GetString());
    }

    [Fact]
    public async Task A_span_flame_graph_holds_exactly_its_linked_samples_and_its_descendants_on_request()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await new TraceService.TraceServiceClient(receiver.Channel).ExportAsync(LinkedTrace.Spans(start).Build());
        await receiver.Grpc.ExportAsync(LinkedTrace.Profiles(start).Build());
        await receiver.Grpc.ExportAsync(KnownProfiles.Build(start).Build()); // same time, links to a trace of its own

        var root = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}");
        Assert.Equal("GET /checkout", root.GetProperty("span").GetProperty("name").GetString());
        Assert.Equal(800.0, root.GetProperty("span").GetProperty("durationMs").GetDouble());
        Assert.Equal("cpu:samples/count", root.GetProperty("profileType").GetString());
        Assert.Equal(["cpu:samples/count", "wall/nanoseconds"], root.GetProperty("profileTypes").EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        Assert.Equal(10, Total(root));
        Assert.Equal(1, root.GetProperty("spans").GetInt32());
        Assert.DoesNotContain(KnownProfiles.HotFunction, root.GetRawText());

        var withChildren = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}&children=true");
        Assert.Equal(10 + 40 + 5, Total(withChildren));
        Assert.Equal(3, withChildren.GetProperty("spans").GetInt32());
        Assert.Contains(KnownProfiles.HotFunction, withChildren.GetRawText());
        Assert.Contains(LinkedTrace.ScoreFunction, withChildren.GetRawText());
        Assert.DoesNotContain(KnownProfiles.WarmFunction, withChildren.GetRawText());

        var child = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Child}&children=1");
        Assert.Equal(45, Total(child));
        var wall = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}&type=wall/nanoseconds");
        Assert.Equal(300_000_000, Total(wall));
        Assert.Equal("nanoseconds", wall.GetProperty("unit").GetString());
        var other = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.OtherTraceId}&span={LinkedTrace.Other}");
        Assert.Equal(30, Total(other));

        // A span without linked samples answers with an empty graph; an unknown span with 404, a malformed id with 400.
        var cart = await GetJsonAsync(receiver, $"/api/span?trace={LinkedTrace.OtherTraceId}&span={LinkedTrace.Cart}");
        Assert.Equal(0, cart.GetProperty("profileTypes").GetArrayLength());
        Assert.Equal(0, Total(cart));
        using (var missing = await receiver.Http.GetAsync($"/api/span?trace={LinkedTrace.TraceId}&span=0000000000000001"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        foreach (var query in (string[])[$"trace={LinkedTrace.TraceId}&span=xyz", $"trace=abc&span={LinkedTrace.Root}", $"span={LinkedTrace.Root}"])
        {
            using var bad = await receiver.Http.GetAsync("/api/span?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("hex digits", await bad.Content.ReadAsStringAsync());
        }
    }

    private static long Total(JsonElement span) => span.GetProperty("tree").GetProperty("v").GetInt64();

    private static IEnumerable<string?> Names(JsonElement list) => list.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("name").GetString());

    private static async Task<JsonElement> GetJsonAsync(TestReceiver receiver, string url)
    {
        using var response = await receiver.Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
