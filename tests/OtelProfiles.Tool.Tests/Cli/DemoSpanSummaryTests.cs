using OtelProfiles.Tool.Demo;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>Issue 20: the demo's summary names the slowest span with linked samples and links to its flame graph.</summary>
public class DemoSpanSummaryTests
{
    [Fact]
    public async Task Prints_the_slowest_span_with_linked_samples_and_the_url_of_its_flame_graph()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        var spans = LinkedTrace.Spans(start)
            .Span("shop", "GET /slow-but-unprofiled", "2af7651916cd43dd8448eb211c80319c", "a2ad6b7169203331", null, start, TimeSpan.FromSeconds(3));
        var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel);
        await client.ExportAsync(spans.Build());
        await receiver.Grpc.ExportAsync(LinkedTrace.Profiles(start).Build());

        using var output = new StringWriter();
        await SpanSummary.PrintAsync(receiver.Server, TimeSpan.FromSeconds(5), output, CancellationToken.None);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Slowest span: GET /checkout (shop) 800.0 ms, 55 count of cpu:samples/count linked to it and its child spans", lines[0]);
        var url = $"{receiver.Server.HttpEndpoint}?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}&children=1";
        Assert.Equal($"Span flame graph: {url}", lines[1]);

        // The URL is one the span API (and so the UI) answers for that span.
        using var api = await receiver.Http.GetAsync($"/api/span?trace={LinkedTrace.TraceId}&span={LinkedTrace.Root}&children=1");
        Assert.Contains("\"spans\":3", await api.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_linked_samples_names_the_slowest_span_and_without_spans_says_none_arrived()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using (var none = new StringWriter())
        {
            await SpanSummary.PrintAsync(receiver.Server, TimeSpan.FromMilliseconds(600), none, CancellationToken.None);
            Assert.StartsWith("Spans:       none arrived", none.ToString());
        }

        var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel);
        await client.ExportAsync(LinkedTrace.Spans(DateTimeOffset.UtcNow.AddMinutes(-1)).Build());
        using var output = new StringWriter();
        await SpanSummary.PrintAsync(receiver.Server, TimeSpan.FromSeconds(5), output, CancellationToken.None);
        Assert.StartsWith("Slowest span: GET /checkout (shop) 800.0 ms, no profile samples are linked to spans yet", output.ToString());
    }
}
