using Microsoft.Playwright;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright's bundled node driver. No browser is ever downloaded: the executable
/// is /usr/bin/chromium (or OTEL_PROFILES_CHROMIUM), and the test fails with the package to install when missing.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    public IBrowser Instance { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = ExternalTools.Require(
            Environment.GetEnvironmentVariable("OTEL_PROFILES_CHROMIUM") ?? "/usr/bin/chromium",
            "apt-get install -y chromium (Debian), or set OTEL_PROFILES_CHROMIUM to a Chromium executable");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        return new Browser(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}
