using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// Runs the OtelProfiles.Workload app (known hot methods, AddOtlpProfiles) as a real child process with its own
/// EventPipe sessions, configured through OTEL_* environment variables like a user would.
/// </summary>
public sealed class WorkloadProcess
{
    private static readonly string Configuration =
        typeof(WorkloadProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>Path of the workload's dll, built by the ProjectReference in the test project.</summary>
    public static string DllPath
    {
        get
        {
            string dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "OtelProfiles.sln")))
            {
                dir = Path.GetDirectoryName(dir)!;
            }

            string path = Path.Combine(dir!, "tests", "OtelProfiles.Workload", "bin", Configuration, "net10.0", "OtelProfiles.Workload.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/OtelProfiles.Workload first.", path);
        }
    }

    public static async Task<WorkloadResult> RunAsync(int seconds, string mode, IDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(mode);
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        // Idle thread-pool workers spin before they sleep; on a 2-core machine that spin is real CPU competing with
        // the workload's known hot methods. Turning it off keeps "which method is hottest" a property of the workload.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        foreach (KeyValuePair<string, string> pair in environment)
        {
            start.Environment[pair.Key] = pair.Value;
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(seconds + 60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The workload did not exit in time. Output:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new WorkloadResult(process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }
}

public sealed record WorkloadResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Completed => ExitCode == 0 && Output.Contains("WORKLOAD DONE", StringComparison.Ordinal);
}
