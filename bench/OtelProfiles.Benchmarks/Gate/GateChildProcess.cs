using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The parent's end of a <see cref="GateChild"/>: starts <c>OtelProfiles.Benchmarks gate-child</c>, sends it commands
/// and waits for its answers with a deadline, so a child that hangs or dies fails the gate instead of holding it.
/// The child's other output is passed on with its name in front.
/// </summary>
internal sealed class GateChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string?> _replies = [];

    private GateChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
    }

    public string Name { get; }

    public static GateChildProcess Start(string name, string workload, GateSettings settings)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // `dotnet OtelProfiles.Benchmarks.dll ...` runs the child through the same host as this process; the apphost
        // needs no assembly argument.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(GateChildProcess).Assembly.Location);
        }

        foreach (string argument in new[] { "gate-child", workload, Text(settings.WarmupSeconds), Text(settings.ProfilerWarmupSeconds) })
        {
            start.ArgumentList.Add(argument);
        }

        return new GateChildProcess(name, Process.Start(start)!);
    }

    /// <summary>Sends a command; its answer is read with <see cref="Expect"/>.</summary>
    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>The rest of the child's next answer, which must start with <paramref name="reply"/>.</summary>
    public string Expect(string reply, TimeSpan deadline)
    {
        if (!_replies.TryTake(out string? line, deadline))
        {
            throw new TimeoutException($"gate child {Name} did not answer '{reply}' within {deadline.TotalSeconds:0} s");
        }

        if (line is null)
        {
            throw new InvalidOperationException($"gate child {Name} exited (code {ExitCode()}) before answering '{reply}'");
        }

        if (!line.StartsWith(reply, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"gate child {Name} answered '{line}', not '{reply}'");
        }

        return line[reply.Length..].Trim();
    }

    public GatePhaseReport ExpectMeasured(TimeSpan deadline) =>
        JsonSerializer.Deserialize<GatePhaseReport>(Expect("measured", deadline))
        ?? throw new InvalidOperationException($"gate child {Name} sent an empty report");

    /// <summary>Asks the child to quit and waits for it; kills it if it does not exit within 30 s.</summary>
    public void Dispose()
    {
        try
        {
            Send("quit");
        }
        catch (IOException)
        {
            // It has exited already.
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
        }

        // Without a timeout it also waits for the end of the child's output, so no line arrives after this.
        _process.WaitForExit();
        _process.Dispose();
        _replies.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _replies.Add(null);
        }
        else if (line.StartsWith(GateChild.ReplyPrefix, StringComparison.Ordinal))
        {
            _replies.Add(line[GateChild.ReplyPrefix.Length..]);
        }
        else
        {
            Console.WriteLine($"[{Name}] {line}");
        }
    }

    private string ExitCode()
    {
        _process.WaitForExit(TimeSpan.FromSeconds(5));
        return _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "still running";
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
