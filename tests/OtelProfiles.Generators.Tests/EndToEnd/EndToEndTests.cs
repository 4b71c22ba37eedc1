using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace OtelProfiles.Generators.Tests.EndToEnd;

/// <summary>
/// The TaggedApp child process (tagged sync, async, generic and lambda-containing methods under load, profiled by
/// <c>AddOtlpProfiles</c> into files): every exported sample carries e2e.kind exactly when its stack passes through a
/// tagged method, with the innermost tagged frame's value.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Samples_through_tagged_methods_carry_exactly_their_tags()
    {
        var directory = Directory.CreateTempSubdirectory("otelprofiles-e2e-");
        try
        {
            var app = TaggedAppPath();
            var (exitCode, log) = await ChildProcess.RunAsync(
                "dotnet",
                new[] { app, "6" },
                Settings(directory.FullName),
                TimeSpan.FromSeconds(120));
            Assert.True(exitCode == 0 && log.Contains("TAGGED APP DONE", StringComparison.Ordinal), log);

            var samples = TaggedSample.ReadAll(directory.FullName);
            output.WriteLine(Summary(samples));
            AssertExactlyTagged(samples, log);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Profiler settings for the child: file export, short intervals.</summary>
    internal static Dictionary<string, string> Settings(string directory) => new()
    {
        ["OTEL_PROFILES_EXPORTER"] = "file",
        ["OTEL_PROFILES_FILE_DIRECTORY"] = directory,
        ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",
    };

    /// <summary>Every sample's e2e.kind equals the expected one (absent when expected is none); all kinds occur.</summary>
    internal static void AssertExactlyTagged(IReadOnlyList<TaggedSample> samples, string log)
    {
        Assert.True(samples.Count > 0, "no samples were exported:\n" + log);
        foreach (var sample in samples)
        {
            Assert.True(
                sample.ExpectedKind == sample.ActualKind,
                $"{sample.ProfileType} sample expected {sample.ExpectedKind ?? "(none)"}, got {sample.ActualKind ?? "(none)"}:\n  " + string.Join("\n  ", sample.Frames));
        }

        // Every tagged method was sampled (through its own frames), and so was untagged work.
        var kinds = samples.Select(s => s.ActualKind).ToHashSet();
        Assert.Superset(new HashSet<string?> { "sync", "async", "generic", "lambda", null }, kinds);
        Assert.Contains(samples, s => s.ActualKind is null && s.Frames.Any(f => f.EndsWith(".UntaggedWork", StringComparison.Ordinal)));
    }

    /// <summary>Distinct stacks and summed values by profile type and e2e.kind, for the test log.</summary>
    internal static string Summary(IReadOnlyList<TaggedSample> samples) => string.Join(
        Environment.NewLine,
        samples.GroupBy(s => (s.ProfileType, Kind: s.ActualKind ?? "(none)"))
            .OrderBy(g => g.Key.ProfileType, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .Select(g => $"{g.Key.ProfileType} {g.Key.Kind}: {g.Count()} stacks, value {g.Sum(s => s.Value)}"));

    private static string TaggedAppPath([CallerFilePath] string thisFile = "")
    {
        var configuration = typeof(EndToEndTests).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";
        var path = Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "TaggedApp", "bin", configuration, "net10.0", "TaggedApp.dll");
        Assert.True(File.Exists(path), $"{path} is missing: it is built with the test project.");
        return Path.GetFullPath(path);
    }
}
