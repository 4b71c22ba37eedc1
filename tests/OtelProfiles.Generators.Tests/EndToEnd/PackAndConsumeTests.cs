using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace OtelProfiles.Generators.Tests.EndToEnd;

/// <summary>
/// Packs OtelProfiles, restores it from a local folder feed into a fresh project (the TaggedApp's Program.cs with a
/// PackageReference instead of project references), builds and runs it: the generator and analyzers come from the
/// package, and the exported profile carries the tags. A second fresh project with a misuse of [ProfileTag] fails
/// to build with the analyzer's diagnostic from the package.
/// </summary>
public sealed class PackAndConsumeTests
{
    [Fact]
    public async Task Packed_library_brings_the_generator_and_tags_reach_the_profile()
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("otelprofiles-consume-");

        // A version no earlier run used, so that the global packages folder cannot serve a stale copy.
        var version = $"0.1.0-consume.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var cachedPackage = Path.Combine(GlobalPackagesFolder(), "otelprofiles", version);
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var (packExit, packLog) = await ChildProcess.RunAsync(
                "dotnet",
                new[] { "pack", Path.Combine(repository, "src", "OtelProfiles"), "-c", "Release", "-o", feed, $"-p:PackageVersion={version}", "-nodeReuse:false" },
                new Dictionary<string, string>(),
                TimeSpan.FromMinutes(8));
            Assert.True(packExit == 0, packLog);

            AssertPackageLayout(Path.Combine(feed, $"OtelProfiles.{version}.nupkg"));
            AssertReadyToRun(Path.Combine(feed, $"OtelProfiles.{version}.nupkg"));

            var app = CreateConsumerProject(work.FullName, feed, version, repository);
            var (buildExit, buildLog) = await ChildProcess.RunAsync(
                "dotnet",
                new[] { "build", app, "-c", "Release", "-nodeReuse:false" },
                new Dictionary<string, string>(),
                TimeSpan.FromMinutes(8),
                work.FullName);
            Assert.True(buildExit == 0, buildLog);

            // The analyzers inside the package run in a user's build: a tag on a bodyless member is error OTP001.
            var misuse = CreateMisuseProject(work.FullName, version);
            var (misuseExit, misuseLog) = await ChildProcess.RunAsync(
                "dotnet",
                new[] { "build", misuse, "-c", "Release", "-nodeReuse:false" },
                new Dictionary<string, string>(),
                TimeSpan.FromMinutes(8),
                work.FullName);
            Assert.True(misuseExit != 0, misuseLog);
            Assert.Contains("error OTP001", misuseLog, StringComparison.Ordinal);

            var output = Path.Combine(work.FullName, "profiles");
            var (runExit, runLog) = await ChildProcess.RunAsync(
                "dotnet",
                new[] { Path.Combine(Path.GetDirectoryName(app)!, "bin", "Release", "net10.0", "Consumer.dll"), "6" },
                EndToEndTests.Settings(output),
                TimeSpan.FromSeconds(120));
            Assert.True(runExit == 0 && runLog.Contains("TAGGED APP DONE", StringComparison.Ordinal), runLog);

            EndToEndTests.AssertExactlyTagged(TaggedSample.ReadAll(output), runLog);
        }
        finally
        {
            work.Delete(recursive: true);
            if (Directory.Exists(cachedPackage))
            {
                Directory.Delete(cachedPackage, recursive: true);
            }
        }
    }

    // The generator and code fixes sit under analyzers/dotnet/cs; nothing of theirs becomes a dependency. What a user
    // checks on the package page is there: readme, license, the commit it was built from, and a symbols package.
    private static void AssertPackageLayout(string package)
    {
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), "no symbols package next to " + package);
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("analyzers/dotnet/cs/OtelProfiles.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/OtelProfiles.CodeFixes.dll", entries);
        // .NET 10 only: .NET 8 and 9 are out of support and no test runs them.
        Assert.Equal(["lib/net10.0/OtelProfiles.dll"], entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)));

        Assert.Contains("README.md", entries);

        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        string? Metadata(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal("README.md", Metadata("readme"));
        Assert.Equal("Apache-2.0", Metadata("license"));
        var repositoryElement = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repositoryElement.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repositoryElement.Attribute("commit") ?? "");

        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).ToArray();
        Assert.NotEmpty(dependencies);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("OtelProfiles.", StringComparison.Ordinal) || id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    // The library ships crossgen-compiled (src/OtelProfiles/ReadyToRun.targets): its code is not JIT-compiled at every start.
    // The consumer run below then proves the R2R image loads and works under a plain `dotnet`.
    private static void AssertReadyToRun(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var image = new MemoryStream();
        using (var entry = zip.GetEntry("lib/net10.0/OtelProfiles.dll")!.Open())
        {
            entry.CopyTo(image);
        }

        image.Position = 0;
        Assert.True(ReadyToRunImage.HasReadyToRunHeader(image), "lib/net10.0/OtelProfiles.dll in the package is not ReadyToRun-compiled");
    }

    private static string CreateConsumerProject(string root, string feed, string version, string repository)
    {
        // Isolate the consumer from any MSBuild or NuGet settings above the temporary folder.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);

        var project = Path.Combine(root, "Consumer");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OtelProfiles" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(repository, "tests", "OtelProfiles.Generators.Tests", "TaggedApp", "Program.cs"), Path.Combine(project, "Program.cs"));
        return Path.Combine(project, "Consumer.csproj");
    }

    private static string CreateMisuseProject(string root, string version)
    {
        var project = Path.Combine(root, "Misuse");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "Misuse.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OtelProfiles" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Shapes.cs"), """
            using OtelProfiles.Tags;

            public abstract class Shape
            {
                [ProfileTag("shape.stage", "draw")]
                public abstract void Draw();
            }
            """);
        return Path.Combine(project, "Misuse.csproj");
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
