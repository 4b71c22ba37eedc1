using System.Diagnostics;
using System.Reflection;

namespace OtelProfiles.Benchmarks.Tests.Gate;

/// <summary>
/// Runs <c>dotnet OtelProfiles.Benchmarks.dll gate ...</c> (the benchmarks' own build output, which the test project's
/// ProjectReference builds first) as bench/ci-overhead-check does, with a hard timeout that kills the whole process tree.
/// </summary>
internal static class GateProcess
{
    private static readonly string Configuration =
        typeof(GateProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>bench/OtelProfiles.Benchmarks/bin/&lt;Configuration&gt;/net10.0/OtelProfiles.Benchmarks.dll.</summary>
    public static string DllPath
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "OtelProfiles.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            if (dir is null)
            {
                throw new DirectoryNotFoundException($"No OtelProfiles.sln above {AppContext.BaseDirectory}");
            }

            string path = Path.Combine(dir, "bench", "OtelProfiles.Benchmarks", "bin", Configuration, "net10.0", "OtelProfiles.Benchmarks.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build bench/OtelProfiles.Benchmarks first.", path);
        }
    }

    public static async Task<GateRun> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        // ChildProcess clears the runner's own OTEL_* settings: they must not reach the gate's profiler (it would not be
        // at the defaults).
        var clock = Stopwatch.StartNew();
        (int exitCode, string output) = await ChildProcess.RunAsync("dotnet", [DllPath, .. arguments], environment, timeout);
        return new GateRun(exitCode, output, clock.Elapsed);
    }
}

/// <summary>A finished gate run: its exit code, its output (standard output and error) and how long it took.</summary>
internal sealed record GateRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
