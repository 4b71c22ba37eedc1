using System.Diagnostics;
using System.Reflection;
using System.Text;

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
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The runner's own OTEL_* settings must not reach the gate's profiler (it would not be at the defaults).
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // The gate's children are the gate's own: the whole tree goes.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"The gate did not exit within {timeout}. Output:\n{Snapshot(output)}");
        }

        // Without a timeout it also waits for the end of the redirected output.
        process.WaitForExit();
        return new GateRun(process.ExitCode, Snapshot(output), clock.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

/// <summary>A finished gate run: its exit code, its output (standard output and error) and how long it took.</summary>
internal sealed record GateRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
