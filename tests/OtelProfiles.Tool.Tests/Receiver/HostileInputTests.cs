using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>Issue 19, receiver items 1 and 3: requests that are small on the wire but large to decode or to view.</summary>
public class HostileInputTests
{
    [Fact]
    public async Task Deeply_nested_attribute_around_a_15_MiB_string_gets_400_fast_with_bounded_memory()
    {
        // 62 message levels around 15 MiB: 15.6 KB gzipped. Before: 200 after seconds and ~2 GiB resident.
        var payload = HostilePayloads.NestedAttribute(messageLevels: 62, stringBytes: 15 << 20);
        var body = Gzip(payload);
        Assert.True(body.Length < 100_000, $"gzip body {body.Length} bytes");

        using var serve = ServeProcess.Start();
        using var http = new HttpClient { BaseAddress = serve.HttpEndpoint, Timeout = TimeSpan.FromSeconds(120) };
        (await http.GetAsync("/healthz")).EnsureSuccessStatusCode();
        var before = serve.PeakResidentBytes();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.PostAsync("/v1development/profiles", Protobuf(body, gzip: true));
        watch.Stop();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (code, message) = RpcStatusCodec.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((int)StatusCode.InvalidArgument, code);
        Assert.Contains("AnyValue", message);
        Assert.Contains("attributes.value", message);

        // The bound: the decompressed body and the buffer it grew in (about 3 x 15 MiB), plus room for the GC; well
        // under 10 x the request size. Before the fix the same request took over 2 GiB.
        var growth = serve.PeakResidentBytes() - before;
        Assert.True(growth < 10L * payload.Length, $"peak resident set grew by {growth / (1 << 20)} MiB for a {payload.Length / (1 << 20)} MiB request");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        File.AppendAllText(Path.Combine(TestPaths.Screenshots, "..", "reliability-measurements.txt"),
            $"nested-62-levels-15MiB: {watch.ElapsedMilliseconds} ms, peak RSS {before / (1 << 20)} -> {serve.PeakResidentBytes() / (1 << 20)} MiB (+{growth / (1 << 20)} MiB)\n");
    }

    [Fact]
    public async Task Excess_concurrent_exports_wait_briefly_then_get_503_and_unavailable()
    {
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { MaxConcurrentRequests = 1, QueueTimeout = TimeSpan.FromMilliseconds(300) });
        var bytes = KnownProfiles.Build().BuildBytes();

        // The first export holds the only slot: its headers and the first bytes of its body arrive, the rest waits.
        // A raw socket, because HttpClient may keep a partly written request in its buffer.
        using var slow = new System.Net.Sockets.TcpClient();
        await slow.ConnectAsync(receiver.Server.HttpEndpoint.Host, receiver.Server.HttpEndpoint.Port);
        var stream = slow.GetStream();
        var head = System.Text.Encoding.ASCII.GetBytes(
            $"POST /v1development/profiles HTTP/1.1\r\nHost: 127.0.0.1:{receiver.Server.HttpEndpoint.Port}\r\n" +
            $"Content-Type: application/x-protobuf\r\nContent-Length: {bytes.Length}\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(bytes.AsMemory(0, 10));
        await stream.FlushAsync();
        await Task.Delay(1000);

        using (var busy = await receiver.Http.PostAsync("/v1development/profiles", Protobuf(bytes)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.NotNull(busy.Headers.RetryAfter);
            Assert.Equal((int)StatusCode.Unavailable, RpcStatusCodec.Decode(await busy.Content.ReadAsByteArrayAsync()).Code);
        }

        var grpcBusy = await Assert.ThrowsAsync<RpcException>(async () => await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build()));
        Assert.Equal(StatusCode.Unavailable, grpcBusy.StatusCode);

        await stream.WriteAsync(bytes.AsMemory(10));
        await stream.FlushAsync();
        var answer = new byte[64];
        var read = await stream.ReadAsync(answer);
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.ASCII.GetString(answer, 0, read));

        await receiver.Grpc.ExportAsync(KnownProfiles.Build().Build());
        Assert.Equal(2, receiver.Server.Store.Statistics().Batches);
    }

    [Fact]
    public async Task A_3000_frame_stack_is_stored_truncated_and_every_view_answers()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using (var response = await receiver.Http.PostAsync("/v1development/profiles", Protobuf(HostilePayloads.DeepStack(3000).BuildBytes())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var url in (string[])[
            "/api/flamegraph?service=deep&type=cpu:samples/count",
            $"/api/diff?service=deep&type=cpu:samples/count&baseService=deep&baseFrom={now - 3_600_000}&baseTo={now}",
            "/api/top?service=deep&type=cpu:samples/count",
            "/api/flamegraph.html?service=deep&type=cpu:samples/count"])
        {
            using var view = await receiver.Http.GetAsync(url);
            var text = await view.Content.ReadAsStringAsync();
            Assert.True(view.StatusCode == HttpStatusCode.OK, $"{url}: {(int)view.StatusCode} {text[..Math.Min(200, text.Length)]}");
            if (url.Contains("flamegraph") || url.Contains("diff"))
            {
                Assert.Contains("[truncated 1977 frames]", text);
            }
        }

        // The innermost frames are kept: the leaf, where the sample's own value is, is still the leaf.
        var tree = JsonDocument.Parse(await receiver.Http.GetStringAsync("/api/flamegraph?service=deep&type=cpu:samples/count"), new JsonDocumentOptions { MaxDepth = 4096 }).RootElement.GetProperty("tree");
        var depth = 0;
        var node = tree;
        while (node.TryGetProperty("c", out var children))
        {
            node = children[0];
            depth++;
        }

        Assert.Equal(1024, depth);
        Assert.Equal("Deep.Frame2999", node.GetProperty("n").GetString());
        Assert.Equal(7, node.GetProperty("s").GetInt64());
    }

    [Fact]
    public async Task Inlined_lines_repeated_20000_times_stay_cheap_to_view_and_mass_expansion_is_rejected()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var request = HostilePayloads.InlinedRepeats(inlinedLines: 1000, repeats: 20_000);
        await receiver.Grpc.ExportAsync(request);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var view = await receiver.Http.GetAsync("/api/flamegraph?service=inlined&type=cpu:samples/count");
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        var text = await view.Content.ReadAsStringAsync();
        Assert.Contains($"[truncated {(1000L * 20_000) - 1023} frames]", text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the view took {watch.Elapsed}");

        // Many small stacks over the same 1,000-line location: each expands to 1,024 frames; 5,000 of them exceed
        // what one request may expand to.
        var mass = HostilePayloads.InlinedRepeats(inlinedLines: 1000, repeats: 2, stacks: 5000, service: "mass");
        var error = await Assert.ThrowsAsync<RpcException>(async () => await receiver.Grpc.ExportAsync(mass));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("dictionary.stack_table", error.Status.Detail);
    }

    internal static ByteArrayContent Protobuf(byte[] body, bool gzip = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

}
