using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Ui;

/// <summary>The web UI and the static HTML in real headless Chromium; screenshots go to TestResults/screenshots.</summary>
public partial class WebUiTests
{
    private static readonly string HotSelector = $".fg-frame[data-name=\"{KnownProfiles.HotFunction}\"]";

    [Fact]
    public async Task Pick_profile_type_see_hot_function_zoom_filter_and_diff()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await receiver.Grpc.ExportAsync(KnownProfiles.Build(now.AddMinutes(-90)).Build());          // baseline: hot function 60%
        await receiver.Grpc.ExportAsync(KnownProfiles.BuildShifted(now.AddMinutes(-10)).Build());   // recent: hot function 10%
        await receiver.Grpc.ExportAsync(KnownProfiles.Build(now.AddMinutes(-10), service: "cart").Build());

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { consoleErrors.Add(message.Text); } };
        page.PageError += (_, error) => consoleErrors.Add(error);

        await page.GotoAsync(receiver.Server.HttpEndpoint.ToString());
        await page.Locator("#service option[value=shop]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#service", "shop");
        await page.SelectOptionAsync("#profile-type", "wall/nanoseconds");
        await page.Locator(HotSelector).First.WaitForAsync();
        await page.SelectOptionAsync("#profile-type", "cpu:samples/count");
        await page.ClickAsync("#show");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("2 profiles of shop, cpu:samples/count");

        // The hot method is in the flame graph, with its share in the tooltip.
        var hot = page.Locator(HotSelector).First;
        await Assertions.Expect(hot).ToBeVisibleAsync();
        await hot.HoverAsync();
        await Assertions.Expect(page.Locator(".fg-tooltip")).ToContainTextAsync("Total: 70 count (35.00%)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "01-flamegraph-hover.png") });
        await Assertions.Expect(page.Locator(".fg-top tbody tr").First).ToContainTextAsync("System.Linq.Enumerable.Where");
        await Assertions.Expect(page.Locator(".fg-top")).ToContainTextAsync(KnownProfiles.HotFunction);

        // Click to zoom: the caller fills the width, and so does its only child, the hot method.
        var graphWidth = (await page.Locator(".fg-graph").BoundingBoxAsync())!.Width;
        var widthBefore = (await hot.BoundingBoxAsync())!.Width;
        await page.Locator($".fg-frame[data-name=\"{KnownProfiles.AsyncFunction}\"]").First.ClickAsync();
        await Assertions.Expect(page.Locator(".fg-status")).ToContainTextAsync($"Zoomed into {KnownProfiles.AsyncFunction}");
        var widthAfter = (await page.Locator(HotSelector).First.BoundingBoxAsync())!.Width;
        Assert.True(widthAfter > widthBefore * 2 && widthAfter > graphWidth * 0.95, $"zoom did not widen the frame: {widthBefore} -> {widthAfter} of {graphWidth}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "02-zoomed.png") });
        await page.ClickAsync(".fg-reset");

        // Search highlights the matches and reports their share.
        await page.FillAsync(".fg-search", "ComputeTaxes");
        await Assertions.Expect(page.Locator(".fg-status")).ToContainTextAsync("Matched 70 count (35.00% of all)");
        await page.FillAsync(".fg-search", "");

        // Filter by a sample attribute.
        await page.SelectOptionAsync("#filter-key", "thread.name");
        await page.SelectOptionAsync("#filter-value", "worker-1");
        await page.ClickAsync("#add-filter");
        await Assertions.Expect(page.Locator("#filters .chip")).ToContainTextAsync("thread.name=worker-1");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 60 count");
        await page.ClickAsync("#filters .chip button");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 200 count");

        // Diff: the last hour against the hour before. The hot method's share fell from 60% to 10%: green.
        await page.SelectOptionAsync("#range", "3600000");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 100 count");
        await page.CheckAsync("#compare-toggle");
        await page.SelectOptionAsync("#base-range", "previous");
        await page.ClickAsync("#run-diff");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Baseline total 100 count, comparison total 100 count");
        var diffHot = page.Locator(HotSelector).First;
        var color = await diffHot.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        var rgb = RgbPattern().Match(color);
        Assert.True(rgb.Success && int.Parse(rgb.Groups[2].Value) > int.Parse(rgb.Groups[1].Value), $"expected green for a shrinking function, got {color}");
        await diffHot.HoverAsync();
        await Assertions.Expect(page.Locator(".fg-tooltip")).ToContainTextAsync("Change:     -50.00 percentage points");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "03-diff.png") });

        // Two services over the same range.
        await page.SelectOptionAsync("#base-service", "cart");
        await page.SelectOptionAsync("#base-range", "same");
        await page.ClickAsync("#run-diff");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("baseline cart (1 profiles) vs comparison shop (1 profiles)");

        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task Static_html_from_the_cli_shows_the_flame_graph_without_a_server()
    {
        var directory = TestPaths.NewTempDirectory();
        var input = ToolProcess.WriteExporterFiles(Path.Combine(directory, "in"), KnownProfiles.Build());
        var (exit, _, stderr) = ToolProcess.Run(directory, "flamegraph", input, "-o", "flame.html", "-q");
        Assert.True(exit == 0, stderr);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 700 } });
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(Path.Combine(directory, "flame.html")).AbsoluteUri);
        await Assertions.Expect(page.Locator(HotSelector).First).ToBeVisibleAsync();
        await page.SelectOptionAsync("#view", "1");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 700,000,000 nanoseconds");
        await page.SelectOptionAsync("#view", "0");
        await page.Locator(HotSelector).First.ClickAsync();
        await Assertions.Expect(page.Locator(".fg-status")).ToContainTextAsync($"Zoomed into {KnownProfiles.HotFunction}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "04-static-html.png") });
        Assert.All(requests, url => Assert.StartsWith("file://", url));
    }

    [GeneratedRegex(@"rgb\((\d+), (\d+), (\d+)\)")]
    private static partial Regex RgbPattern();
}
