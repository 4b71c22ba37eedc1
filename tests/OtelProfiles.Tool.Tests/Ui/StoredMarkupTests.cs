using Microsoft.Playwright;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Ui;

/// <summary>Issue 19, receiver item 2: stored strings are shown as text in every HTML view, never run as markup.</summary>
public class StoredMarkupTests
{
    private const string Markup = "<img src=x onerror=window.__xss=1>";

    [Fact]
    public async Task Markup_in_unit_service_and_function_names_shows_as_text_in_the_ui_and_both_static_pages()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await receiver.Grpc.ExportAsync(HostileRequest().Build());

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync();

        // The web UI.
        await page.GotoAsync(receiver.Server.HttpEndpoint.ToString());
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync(Markup);
        await AssertInertAsync(page);

        // /api/flamegraph.html is served as a download: open the downloaded file as a user would.
        var type = Uri.EscapeDataString("cpu:samples/" + Markup);
        var served = await receiver.Http.GetByteArrayAsync($"/api/flamegraph.html?service={Uri.EscapeDataString("svc" + Markup)}&type={type}");
        var downloaded = Path.Combine(TestPaths.NewTempDirectory(), "flamegraph.html");
        await File.WriteAllBytesAsync(downloaded, served);
        await page.GotoAsync(new Uri(downloaded).AbsoluteUri);
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync(Markup);
        await AssertInertAsync(page);

        // The flamegraph command's file.
        var directory = TestPaths.NewTempDirectory();
        var input = ToolProcess.WriteExporterFiles(Path.Combine(directory, "in"), HostileRequest());
        var (exit, _, stderr) = ToolProcess.Run(directory, "flamegraph", input, "-o", "x.html", "--title", "t /*{{DATA}}*/ " + Markup, "-q");
        Assert.True(exit == 0, stderr);
        await page.GotoAsync(new Uri(Path.Combine(directory, "x.html")).AbsoluteUri);
        await Assertions.Expect(page.Locator(".fg-legend")).ToContainTextAsync(Markup);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("/*{{DATA}}*/ " + Markup);
        await AssertInertAsync(page);
    }

    private static OtlpRequestBuilder HostileRequest()
    {
        var builder = new OtlpRequestBuilder();
        builder.AddProfile("svc" + Markup, "samples", Markup, DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromSeconds(10))
            .Sample(5, ["Main", "Fn" + Markup], ("thread.name", Markup));
        return builder;
    }

    private static async Task AssertInertAsync(IPage page)
    {
        await page.WaitForTimeoutAsync(300);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, await page.Locator("img").CountAsync());
    }
}
