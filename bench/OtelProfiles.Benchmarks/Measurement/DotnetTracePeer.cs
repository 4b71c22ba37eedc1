using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// An out-of-process <c>dotnet-trace collect</c> session on a benchmark process: the peer our in-process profiler is
/// compared with. Same providers as our sessions: the sample profiler (at the runtime's 1 kHz; dotnet-trace cannot
/// duty-cycle it) and the runtime provider's Loader, Jit and CompilationDiagnostic keywords at Verbose for method
/// names, with dotnet-trace's usual rundown at the end.
/// </summary>
internal sealed class DotnetTracePeer : IDisposable
{
    public const string Providers = "Microsoft-DotNETCore-SampleProfiler,Microsoft-Windows-DotNETRuntime:0x2000000018:5";

    private const int SigInt = 2;
    private readonly Process _process;
    private readonly TaskCompletionSource _recording = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DotnetTracePeer(Process process, string output)
    {
        _process = process;
        OutputPath = output;
    }

    public string OutputPath { get; }

    /// <summary>CPU time of the dotnet-trace process itself (it shares the machine with the app).</summary>
    public TimeSpan CpuTime => ProcessProbe.CpuTime(_process);

    /// <summary>Starts tracing <paramref name="processId"/> and returns once the session is open.</summary>
    public static DotnetTracePeer Start(int processId, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[FindToolDll(), "collect", "--process-id", processId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--providers", Providers, "--output", output])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet-trace did not start");
        var peer = new DotnetTracePeer(process, output);
        process.OutputDataReceived += (_, e) =>
        {
            // dotnet-trace names the output file once the session on the target is open.
            if (e.Data?.StartsWith("Output File", StringComparison.Ordinal) == true)
            {
                peer._recording.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) { Console.Error.WriteLine("dotnet-trace: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!peer._recording.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            peer.Dispose();
            throw new TimeoutException("dotnet-trace did not open its session within 60 s");
        }

        return peer;
    }

    /// <summary>Stops the session as Ctrl+C would (the trace file is completed) and returns its size in bytes.</summary>
    public long Stop()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigInt);
            if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                _process.Kill();
            }
        }

        return File.Exists(OutputPath) ? new FileInfo(OutputPath).Length : 0;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        if (File.Exists(OutputPath))
        {
            File.Delete(OutputPath);
        }
    }

    /// <summary>The dotnet-trace the local tool manifest (bench/dotnet-tools.json) pins, from the NuGet package folder.</summary>
    public static string FindToolDll()
    {
        string manifest = FindManifest();
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        string version = json.RootElement.GetProperty("tools").GetProperty("dotnet-trace").GetProperty("version").GetString()
            ?? throw new InvalidOperationException("dotnet-tools.json names no dotnet-trace version");
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tools = Path.Combine(packages, "dotnet-trace", version, "tools");
        string? dll = Directory.Exists(tools)
            ? Directory.EnumerateFiles(tools, "dotnet-trace.dll", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
        return dll ?? throw new FileNotFoundException($"dotnet-trace {version} is not restored: run `dotnet tool restore` in {Path.GetDirectoryName(manifest)}");
    }

    private static string FindManifest()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "bench", "dotnet-tools.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("bench/dotnet-tools.json not found above " + AppContext.BaseDirectory);
    }

    // Process.Kill sends SIGKILL, which would leave the trace without its rundown and end tag.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);
}
