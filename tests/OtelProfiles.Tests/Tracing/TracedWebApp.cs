using System.Diagnostics;
using System.Text;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// The workload's "traced-web" mode as a child process: a Kestrel app on 127.0.0.1 that exports traces and profiles
/// to the test's receivers. Read its address once it listens; it stops by itself after the given seconds.
/// </summary>
internal sealed class TracedWebApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _profiling = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TracedWebApp(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<(TracedWebApp App, Uri Address)> StartAsync(int seconds, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkloadProcess.DllPath);
        start.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("traced-web");
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (KeyValuePair<string, string> pair in environment)
        {
            start.Environment[pair.Key] = pair.Value;
        }

        var app = new TracedWebApp(new Process { StartInfo = start });
        app._process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            Uri address = await app._listening.Task.WaitAsync(timeout.Token);
            await app._profiling.Task.WaitAsync(timeout.Token);
            return (app, address);
        }
        catch (OperationCanceledException)
        {
            await app.DisposeAsync();
            throw new TimeoutException("The traced web app did not start profiling in time. Output:\n" + app.Output);
        }
    }

    /// <summary>Waits until the app has stopped (its last traces and profiles flushed); true when it ended cleanly.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode == 0 && Output.Contains("WORKLOAD DONE", StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["LISTENING ".Length..].Trim()));
        }
        else if (line == "PROFILER RUNNING")
        {
            _profiling.TrySetResult();
        }
        else if (line == "PROFILER NOT RUNNING")
        {
            _profiling.TrySetException(new InvalidOperationException("The profiler did not start."));
        }
    }
}
