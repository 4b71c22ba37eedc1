using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Playwright;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Ui;

/// <summary>
/// Issue 21 in real headless Chromium: the timeline above the flame graph, dragging to select a range, picking two
/// ranges to compare, the one-click leak hunt over 24 hours of in-use memory, gauges shown as average or latest,
/// the functions table scrolling in its panel. Issue 19: the UI working against <c>serve --token</c>.
/// </summary>
public partial class TimelineUiTests
{
    private const int Hours = 24;

    /// <summary>One export an hour for 24 hours: in-use memory with a leak growing 1 MB an hour, and 10 CPU samples.</summary>
    private static async Task<DateTimeOffset[]> ExportDayAsync(TestReceiver receiver, Metadata? headers = null)
    {
        var first = DateTimeOffset.UtcNow.AddHours(-Hours).AddMinutes(5);
        var starts = Enumerable.Range(0, Hours).Select(i => first.AddHours(i)).ToArray();
        for (var i = 0; i < Hours; i++)
        {
            await receiver.Grpc.ExportAsync(InUseProfiles.Snapshot(starts[i], 5_000_000, 1_000_000L * (i + 1)).Build(), headers);
        }

        return starts;
    }

    private static async Task<(IPage Page, List<string> Errors)> OpenAsync(Browser browser, string url)
    {
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { errors.Add(message.Text); } };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(url);
        return (page, errors);
    }

    private static async Task<double[]> BarValuesAsync(IPage page) =>
        (await page.Locator(".tl-bar").EvaluateAllAsync<double[][]>("bars => bars.map(b => [Number(b.dataset.start), Number(b.dataset.value)])"))
            .OrderBy(b => b[0]).Select(b => b[1]).ToArray();

    private static Task<long> InputMsAsync(IPage page, string id) =>
        page.EvaluateAsync<long>($"() => new Date(document.getElementById('{id}').value).getTime()");

    /// <summary>Exports whose [start, end] overlaps [from, to] (the store's rule), for ranges read back from the page.</summary>
    private static int Overlapping(DateTimeOffset[] starts, long fromMs, long toMs) =>
        starts.Count(s => s.AddSeconds(60).ToUnixTimeMilliseconds() >= fromMs && s.ToUnixTimeMilliseconds() <= toMs);

    private static async Task DragAsync(IPage page, double fromFraction, double toFraction)
    {
        var box = (await page.Locator(".tl-chart").BoundingBoxAsync())!;
        var y = box.Y + (box.Height / 2);
        await page.Mouse.MoveAsync((float)(box.X + (box.Width * fromFraction)), y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(box.X + (box.Width * toFraction)), y, new MouseMoveOptions { Steps = 6 });
        await page.Mouse.UpAsync();
    }

    private static string Thousands(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    [Fact]
    public async Task In_use_memory_over_24_hours_then_first_vs_last_hour_is_one_click()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await ExportDayAsync(receiver);
        await using var browser = await Browser.LaunchAsync();
        var url = $"{receiver.Server.HttpEndpoint}?service={InUseProfiles.Service}&type={Uri.EscapeDataString(InUseProfiles.Type)}";
        var (page, errors) = await OpenAsync(browser, url);

        // The timeline: one bar per hourly snapshot, each the snapshot's own total (steady 5 MB + the leak so far).
        await Assertions.Expect(page.Locator(".tl-bar")).ToHaveCountAsync(Hours);
        Assert.Equal(Enumerable.Range(1, Hours).Select(i => 5e6 + (1e6 * i)), await BarValuesAsync(page));
        await Assertions.Expect(page.Locator(".tl-title")).ToContainTextAsync("average of the in-use snapshots");

        // Gauges are not sums: the 24 snapshots average 17.5 MB (their sum, 420 MB, was never alive); latest is 29 MB.
        await Assertions.Expect(page.Locator("#gauge-label")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 17,500,000 bytes");
        await page.SelectOptionAsync("#gauge", "latest");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 29,000,000 bytes");
        await Assertions.Expect(page.Locator(".tl-title")).ToContainTextAsync("latest in-use snapshot");
        await page.SelectOptionAsync("#gauge", "average");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 17,500,000 bytes");

        // One click: the diff of the first hour (6 MB) and the last hour (29 MB); the leak's frame turns red.
        await page.ClickAsync(".tl-first-last");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Baseline total 6,000,000 bytes, comparison total 29,000,000 bytes");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("baseline leaky (1 profiles) vs comparison leaky (1 profiles)");
        await Assertions.Expect(page.Locator(".tl-selection.tl-base")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".tl-selection.tl-comp")).ToHaveCountAsync(1);
        var leak = page.Locator($".fg-frame[data-name=\"{InUseProfiles.LeakFunction}\"]").First;
        var rgb = RgbPattern().Match(await leak.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.True(rgb.Success && int.Parse(rgb.Groups[1].Value) > int.Parse(rgb.Groups[2].Value), "a growing leak is red");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "10-timeline-first-vs-last-hour.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dragging_selects_a_range_and_two_picked_ranges_make_a_diff()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var starts = await ExportDayAsync(receiver);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await OpenAsync(browser, $"{receiver.Server.HttpEndpoint}?service={InUseProfiles.Service}&type=cpu:samples/count");
        await Assertions.Expect(page.Locator(".tl-bar")).ToHaveCountAsync(Hours);
        Assert.All(await BarValuesAsync(page), v => Assert.Equal(10, v));
        await Assertions.Expect(page.Locator(".tl-title")).ToContainTextAsync("(sum)");
        await Assertions.Expect(page.Locator("#gauge-label")).ToBeHiddenAsync();

        // Drag over the middle: the page shows exactly that range and the flame graph and timeline reload for it.
        await DragAsync(page, 0.3, 0.6);
        await Assertions.Expect(page.Locator("#range")).ToHaveValueAsync("custom");
        var from = await InputMsAsync(page, "from");
        var to = await InputMsAsync(page, "to");
        var expected = Overlapping(starts, from, to);
        Assert.InRange(expected, 4, 12);
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"{expected} profiles of leaky, cpu:samples/count");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync($"Total {expected * 10} count");
        await Assertions.Expect(page.Locator(".tl-axis").First).Not.ToHaveTextAsync(new Regex("^$"));
        await page.WaitForFunctionAsync($"() => [...document.querySelectorAll('.tl-bar')].reduce((s, b) => s + Number(b.dataset.value), 0) === {expected * 10}");

        // Back to everything, then compare: the first drag picks the baseline, the second the comparison.
        await page.SelectOptionAsync("#range", "all");
        await Assertions.Expect(page.Locator(".tl-bar")).ToHaveCountAsync(Hours);
        await page.ClickAsync(".tl-mode[data-mode=compare]");
        await DragAsync(page, 0.05, 0.2);
        await Assertions.Expect(page.Locator(".tl-status")).ToContainTextAsync("Now drag the comparison range");
        await DragAsync(page, 0.55, 0.95);
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Baseline total");
        var baseCount = Overlapping(starts, await InputMsAsync(page, "base-from"), await InputMsAsync(page, "base-to"));
        var compCount = Overlapping(starts, await InputMsAsync(page, "from"), await InputMsAsync(page, "to"));
        Assert.InRange(baseCount, 2, 6);
        Assert.InRange(compCount, 8, 12);
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync($"Baseline total {baseCount * 10} count, comparison total {compCount * 10} count");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"baseline leaky ({baseCount} profiles) vs comparison leaky ({compCount} profiles)");

        // The selections drawn on the timeline are the ranges the diff used.
        Assert.Equal(await InputMsAsync(page, "base-from"), long.Parse(await page.Locator(".tl-base").GetAttributeAsync("data-from") ?? "0", CultureInfo.InvariantCulture));
        Assert.Equal(await InputMsAsync(page, "to"), long.Parse(await page.Locator(".tl-comp").GetAttributeAsync("data-to") ?? "0", CultureInfo.InvariantCulture));
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Screenshots, "11-timeline-compare.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_functions_table_scrolls_inside_its_panel()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var builder = new OtlpRequestBuilder();
        var profile = builder.AddProfile("wide", "samples", "count", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(15));
        for (var i = 0; i < 400; i++)
        {
            profile.Sample(1 + (i % 7), ["Program.Main", $"Wide.Module{i % 20}.Dispatch", $"Wide.Handlers.Handle{i}"]);
        }

        await receiver.Grpc.ExportAsync(builder.Build());
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await OpenAsync(browser, $"{receiver.Server.HttpEndpoint}?service=wide&type=cpu:samples/count");
        await Assertions.Expect(page.Locator(".fg-top tbody tr")).ToHaveCountAsync(200);

        var box = await page.Locator(".fg-top-box").EvaluateAsync<double[]>("b => [b.clientHeight, b.scrollHeight]");
        Assert.InRange(box[0], 100, 600);                 // the panel's height is bounded...
        Assert.True(box[1] > box[0] * 3, $"the table ({box[1]} px) should overflow its panel ({box[0]} px)");
        var pageHeight = await page.EvaluateAsync<double>("() => document.documentElement.scrollHeight");
        Assert.True(pageHeight < 1800, $"the page is {pageHeight} px tall");

        // ...and scrolls: the last row comes into view inside it, the header stays on top.
        await page.Locator(".fg-top-box").EvaluateAsync("b => { b.scrollTop = b.scrollHeight; }");
        await Assertions.Expect(page.Locator(".fg-top tbody tr").Last).ToBeInViewportAsync();
        var headerTop = await page.Locator(".fg-top th").First.EvaluateAsync<double>("th => th.getBoundingClientRect().top - th.closest('.fg-top-box').getBoundingClientRect().top");
        Assert.InRange(headerTop, -1, 2);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task With_a_token_the_ui_sends_it_as_a_bearer_header_and_never_in_a_url()
    {
        const string Token = "ui-s3cret-token";
        await using var receiver = await TestReceiver.StartAsync(configure: o => o with { Token = Token });
        await ExportDayAsync(receiver, new Metadata { { "authorization", $"Bearer {Token}" } });
        await using var browser = await Browser.LaunchAsync();
        var url = $"{receiver.Server.HttpEndpoint}?service={InUseProfiles.Service}&type=cpu:samples/count";

        // From the URL fragment: the data loads, the fragment leaves the address bar, every API call has the header.
        var context = await browser.Instance.NewContextAsync();
        var page = await context.NewPageAsync();
        var requests = new List<IRequest>();
        page.Request += (_, request) => requests.Add(request);
        await page.GotoAsync(url + "#token=" + Token);
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 240 count");
        await Assertions.Expect(page.Locator(".tl-bar")).ToHaveCountAsync(Hours);
        Assert.DoesNotContain(Token, page.Url);
        var api = requests.Where(r => new Uri(r.Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.Contains(api, r => r.Url.Contains("/api/timeline", StringComparison.Ordinal));
        foreach (var request in api)
        {
            Assert.Equal($"Bearer {Token}", (await request.AllHeadersAsync()).GetValueOrDefault("authorization"));
        }

        Assert.All(requests, r => Assert.DoesNotContain(Token, r.Url));

        // A reload in the same tab keeps working (the token is kept for the tab, not in the URL).
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 240 count");
        await context.CloseAsync();

        // Without it: a form asks; a wrong token is refused, the right one loads the data.
        context = await browser.Instance.NewContextAsync();
        page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#token-form")).ToBeVisibleAsync();
        await page.FillAsync("#token-input", "not-the-token");
        await page.ClickAsync("#token-submit");
        await Assertions.Expect(page.Locator("#token-form")).ToContainTextAsync("The token was not accepted.");
        await page.FillAsync("#token-input", Token);
        await page.ClickAsync("#token-submit");
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync("Total 240 count");
        await Assertions.Expect(page.Locator("#token-form")).ToHaveCountAsync(0);
        await context.CloseAsync();
    }

    [GeneratedRegex(@"rgb\((\d+), (\d+), (\d+)\)")]
    private static partial Regex RgbPattern();
}
