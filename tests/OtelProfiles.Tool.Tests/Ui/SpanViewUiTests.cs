using Microsoft.Playwright;
using OtelProfiles.Tool.Tests.Receiver;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Ui;

/// <summary>Issue 20: from a slow span to its flame graph in real headless Chromium; screenshots go to TestResults/screenshots.</summary>
public class SpanViewUiTests
{
    private const string Markup = "<img src=x onerror=window.__xss=1>";

    [Fact]
    public async Task Span_list_slowest_first_filters_and_a_click_shows_the_span_flame_graph_next_to_its_duration()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(receiver.Channel).ExportAsync(LinkedTrace.Spans(start).Build());
        await receiver.Grpc.ExportAsync(LinkedTrace.Profiles(start).Build());

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { consoleErrors.Add(message.Text); } };
        page.PageError += (_, error) => consoleErrors.Add(error);

        // The profiles view first; the header switch opens the span list, slowest first.
        await page.GotoAsync(receiver.Server.HttpEndpoint.ToString());
        await Assertions.Expect(page.Locator("#spans")).ToBeHiddenAsync();
        await page.ClickAsync("#tab-spans");
        await Assertions.Expect(page.Locator("main")).ToBeHiddenAsync();
        var rows = page.Locator("#span-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(rows.Locator("td.span-name")).ToHaveTextAsync(["GET /checkout", "checkout", "GET /prices", "score risk", "GET /cart"]);
        await Assertions.Expect(rows.First.Locator("td").First).ToHaveTextAsync("800.0 ms");

        // Filters: by name, then by service.
        await page.FillAsync("#span-name", "prices");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Locator("td.span-name")).ToHaveTextAsync(["GET /prices"]);
        await page.FillAsync("#span-name", "");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await page.SelectOptionAsync("#span-service", "cart");
        await Assertions.Expect(rows.Locator("td.span-name")).ToHaveTextAsync(["GET /cart"]);
        await page.SelectOptionAsync("#span-service", "");
        await Assertions.Expect(rows).ToHaveCountAsync(5);

        // The slowest span: its duration next to the flame graph of its own samples only.
        await rows.First.ClickAsync();
        await Assertions.Expect(page.Locator("#span-title")).ToHaveTextAsync("GET /checkout");
        await Assertions.Expect(page.Locator("#span-duration")).ToHaveTextAsync("800.0 ms");
        await Assertions.Expect(page.Locator("#span-detail .fg-legend")).ToContainTextAsync("Total 10 count");
        await Assertions.Expect(page.Locator($"#span-detail .fg-frame[data-name=\"{LinkedTrace.RouterFunction}\"]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#span-detail .fg-frame[data-name=\"{KnownProfiles.HotFunction}\"]")).ToHaveCountAsync(0);
        await Assertions.Expect(rows.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));

        // With its child spans: the hot method the child ran appears, and the graph totals 55.
        await page.CheckAsync("#span-children");
        await Assertions.Expect(page.Locator("#span-detail .fg-legend")).ToContainTextAsync("Total 55 count");
        await Assertions.Expect(page.Locator("#span-summary")).ToContainTextAsync("this span and its 2 descendant spans");
        var hot = page.Locator($"#span-detail .fg-frame[data-name=\"{KnownProfiles.HotFunction}\"]").First;
        await Assertions.Expect(hot).ToBeVisibleAsync();
        await hot.HoverAsync();
        await Assertions.Expect(page.Locator("#span-detail .fg-tooltip")).ToContainTextAsync("Total: 40 count");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "20-span-flamegraph.png") });

        // Another profile type of the same span.
        await page.SelectOptionAsync("#span-type", "wall/nanoseconds");
        await Assertions.Expect(page.Locator("#span-detail .fg-legend")).ToContainTextAsync("Total 300,000,000 nanoseconds");

        // A span with no linked samples says so instead of drawing an empty graph.
        await rows.Nth(4).ClickAsync();
        await Assertions.Expect(page.Locator("#span-title")).ToHaveTextAsync("GET /cart");
        await Assertions.Expect(page.Locator("#span-summary")).ToContainTextAsync("No profile samples are linked");
        await Assertions.Expect(page.Locator("#span-flamegraph")).ToBeHiddenAsync();

        // The link the demo prints opens the span directly.
        await page.GotoAsync($"{receiver.Server.HttpEndpoint}?trace={LinkedTrace.OtherTraceId}&span={LinkedTrace.Other}");
        await Assertions.Expect(page.Locator("#span-title")).ToHaveTextAsync("GET /prices");
        await Assertions.Expect(page.Locator("#span-duration")).ToHaveTextAsync("200.0 ms");
        await Assertions.Expect(page.Locator("#span-detail .fg-legend")).ToContainTextAsync("Total 30 count");
        await page.ClickAsync("#tab-profiles");
        await Assertions.Expect(page.Locator("#spans")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("main")).ToBeVisibleAsync();

        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task Markup_in_span_and_service_names_shows_as_text()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var spans = new OtlpTraceBuilder().Span("svc" + Markup, "GET " + Markup, LinkedTrace.TraceId, LinkedTrace.Root, null, start, TimeSpan.FromMilliseconds(300));
        using (var response = await receiver.Http.PostAsync("/v1/traces", HostileInputTests.Protobuf(spans.BuildBytes())))
        {
            response.EnsureSuccessStatusCode();
        }

        var profiles = new OtlpRequestBuilder();
        profiles.AddProfile("svc" + Markup, "samples", Markup, start, TimeSpan.FromSeconds(10))
            .SampleWithLink(5, ["Main", "Fn" + Markup], (LinkedTrace.TraceId, LinkedTrace.Root), ("thread.name", Markup));
        await receiver.Grpc.ExportAsync(profiles.Build());

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync();
        await page.GotoAsync($"{receiver.Server.HttpEndpoint}?view=spans");
        var row = page.Locator("#span-table tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("GET " + Markup);
        await Assertions.Expect(row).ToContainTextAsync("svc" + Markup);
        await Assertions.Expect(page.Locator("#span-service")).ToContainTextAsync("svc" + Markup);
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#span-title")).ToHaveTextAsync("GET " + Markup);
        await Assertions.Expect(page.Locator("#span-meta")).ToContainTextAsync("svc" + Markup);
        await Assertions.Expect(page.Locator("#span-type")).ToContainTextAsync(Markup);
        await Assertions.Expect(page.Locator("#span-detail .fg-legend")).ToContainTextAsync("Total 5 " + Markup);
        await Assertions.Expect(page.Locator($"#span-detail .fg-frame[data-name=\"Fn{Markup}\"]")).ToHaveCountAsync(1);
        await page.WaitForTimeoutAsync(300);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, await page.Locator("img").CountAsync());
    }
}
