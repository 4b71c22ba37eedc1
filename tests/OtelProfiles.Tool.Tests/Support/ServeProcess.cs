using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// <c>otel-profiles serve</c> as a real child process on free ports, so its memory (peak resident set from
/// /proc) and its log are its own and not mixed with the test runner's.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;

    private ServeProcess(Process process, string directory, Uri http, Uri grpc)
    {
        _process = process;
        _directory = directory;
        HttpEndpoint = http;
        GrpcEndpoint = grpc;
    }

    public Uri HttpEndpoint { get; }

    public Uri GrpcEndpoint { get; }

    /// <summary>The receiver's SQLite database (SQLite allows reading it while the receiver writes).</summary>
    public string DatabasePath => Path.Combine(_directory, "profiles.db");

    /// <summary>What the receiver wrote to stdout and stderr so far.</summary>
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

    public static ServeProcess Start(params string[] extraArguments)
    {
        var directory = TestPaths.NewTempDirectory();
        var ready = Path.Combine(directory, "ready.json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[TestPaths.ToolAssembly, "serve", "--grpc-port", "0", "--http-port", "0", "--db", Path.Combine(directory, "profiles.db"), "--ready-file", ready, .. extraArguments])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var output = new StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(ready))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var error = process.HasExited ? process.StandardError.ReadToEnd() : "(still starting)";
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                throw new InvalidOperationException($"serve did not become ready: {error}");
            }

            Thread.Sleep(100);
        }

        var json = JsonDocument.Parse(File.ReadAllText(ready)).RootElement;
        var serve = new ServeProcess(process, directory, new Uri(json.GetProperty("http").GetString()!), new Uri(json.GetProperty("grpc").GetString()!));
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>The peak resident set size of the receiver so far (VmHWM).</summary>
    public long PeakResidentBytes() => StatusValue("VmHWM:");

    /// <summary>The current resident set size of the receiver (VmRSS).</summary>
    public long ResidentBytes() => StatusValue("VmRSS:");

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private long StatusValue(string key)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
