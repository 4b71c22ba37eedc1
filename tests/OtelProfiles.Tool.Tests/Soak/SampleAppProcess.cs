using System.Diagnostics;
using System.Reflection;

namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>
/// The demo's sample app (samples/OtelProfiles.Sample.WebApi, built by the test project's reference) as a real
/// child process: <c>dotnet OtelProfiles.Sample.WebApi.dll</c>, so the process id is the app's own and its
/// /proc entries are what is measured. Only the OTEL_* variables given here reach it; its output is counted and
/// its last lines kept (an hour of request logs would otherwise fill memory).
/// </summary>
internal sealed class SampleAppProcess : IDisposable
{
    private const int KeptLines = 200;

    private static readonly string Configuration =
        typeof(SampleAppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _profilerWarnings = [];
    private long _lines;
    private string? _previous;

    private SampleAppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Lines the app wrote so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Warning and failure log lines of the profiler's log category (OpenTelemetry.Profiles).</summary>
    public IReadOnlyList<string> ProfilerWarnings
    {
        get
        {
            lock (_tail)
            {
                return [.. _profilerWarnings];
            }
        }
    }

    /// <summary>Path of the sample's dll, built by the ProjectReference in the test project.</summary>
    public static string DllPath
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "OtelProfiles.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            var path = Path.Combine(dir ?? ".", "samples", "OtelProfiles.Sample.WebApi", "bin", Configuration, "net10.0", "OtelProfiles.Sample.WebApi.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build samples/OtelProfiles.Sample.WebApi first.", path);
        }
    }

    public static SampleAppProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var dll = DllPath;

        // Started in its own folder, as deployed: its appsettings.json (log levels) is found there.
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var app = new SampleAppProcess(process);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The last lines the app wrote, to explain a failure.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        lock (_tail)
        {
            // The console logger writes "warn: Category[id]" on one line and the message on the next.
            if (_previous is not null && (_previous.StartsWith("warn: OpenTelemetry.Profiles", StringComparison.Ordinal)
                || _previous.StartsWith("fail: OpenTelemetry.Profiles", StringComparison.Ordinal)
                || _previous.StartsWith("crit: OpenTelemetry.Profiles", StringComparison.Ordinal)))
            {
                _profilerWarnings.Add(_previous + " " + line.Trim());
            }

            _previous = line;
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
