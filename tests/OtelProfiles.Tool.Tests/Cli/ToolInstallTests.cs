using Xunit;
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OtelProfiles.Tool.Tests.Support;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>
/// Packs the tool, installs it with <c>dotnet tool install</c> from a local folder feed as a user would, and runs the
/// installed <c>otel-profiles</c>: its help, and a receiver on free ports answering HTTP.
/// </summary>
public sealed class ToolInstallTests
{
    [Fact]
    public async Task Packed_tool_installs_from_a_folder_feed_and_serves()
    {
        var work = Directory.CreateTempSubdirectory("otelprofiles-tool-install-");

        // A version no earlier run used, so that no NuGet cache can serve a stale copy.
        var version = $"0.1.0-install.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var cachedPackage = Path.Combine(GlobalPackagesFolder(), "otelprofiles.tool", version);
        Process? serve = null;
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var pack = ExternalTools.Run(
                "dotnet",
                ["pack", Path.Combine(RepositoryRoot(), "src", "OtelProfiles.Tool"), "-c", "Release", "-o", feed, $"-p:PackageVersion={version}", "-nodeReuse:false"],
                TimeSpan.FromMinutes(8));
            Assert.True(pack.ExitCode == 0, pack.StdOut + pack.StdErr);
            AssertToolPackage(Path.Combine(feed, $"OtelProfiles.Tool.{version}.nupkg"));

            var tools = Path.Combine(work.FullName, "tools");
            var install = ExternalTools.Run(
                "dotnet",
                ["tool", "install", "--tool-path", tools, "--add-source", feed, "--version", version, "OtelProfiles.Tool"],
                TimeSpan.FromMinutes(5),
                work.FullName);
            Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);
            var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "otel-profiles.exe" : "otel-profiles");
            Assert.True(File.Exists(command), $"no {command} after install: {install.StdOut}");

            var help = ExternalTools.Run(command, ["--help"], TimeSpan.FromSeconds(90), work.FullName);
            Assert.True(help.ExitCode == 0, help.StdOut + help.StdErr);
            Assert.Contains("serve", help.StdOut, StringComparison.Ordinal);
            Assert.Contains("convert", help.StdOut, StringComparison.Ordinal);

            var readyFile = Path.Combine(work.FullName, "ready.json");
            serve = Process.Start(new ProcessStartInfo(command)
            {
                ArgumentList = { "serve", "--host", "127.0.0.1", "--grpc-port", "0", "--http-port", "0", "--db", Path.Combine(work.FullName, "profiles.db"), "--ready-file", readyFile },
                WorkingDirectory = work.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = serve.StandardOutput.ReadToEndAsync();
            var errors = serve.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(readyFile) && !serve.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.True(File.Exists(readyFile), $"the installed tool did not get ready. exited={serve.HasExited}");
            var profilesUrl = new Uri(JsonDocument.Parse(await File.ReadAllTextAsync(readyFile)).RootElement.GetProperty("otlpHttpProfiles").GetString()!);
            using var http = new HttpClient { BaseAddress = new Uri(profilesUrl.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(60) };
            var health = JsonDocument.Parse(await http.GetStringAsync("/healthz")).RootElement;
            Assert.Equal("ok", health.GetProperty("status").GetString());

            // The receiver behind it is the real one: a request that is not OTLP is refused with a status.
            using var garbage = await http.PostAsync(profilesUrl, new ByteArrayContent([0xff, 0xff, 0xff]) { Headers = { ContentType = new("application/x-protobuf") } });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, garbage.StatusCode);

            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
            _ = await output + await errors;
        }
        finally
        {
            if (serve is { HasExited: false })
            {
                serve.Kill(entireProcessTree: true);
            }

            serve?.Dispose();
            work.Delete(recursive: true);
            if (Directory.Exists(cachedPackage))
            {
                Directory.Delete(cachedPackage, recursive: true);
            }
        }
    }

    // A tool package: the command under tools/, its readme, license and symbols; nothing of the library's API.
    private static void AssertToolPackage(string package)
    {
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), "no symbols package next to " + package);
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains("tools/net10.0/any/otel-profiles.dll", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith("/OtelProfiles.dll", StringComparison.Ordinal));
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
