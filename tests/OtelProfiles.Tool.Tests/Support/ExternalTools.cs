using System.Diagnostics;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// Finds and runs the real external programs the tests check against (go tool pprof, Chromium). A missing program
/// fails the test with the package to install; it never skips, so CI cannot go green without the real check.
/// </summary>
internal static class ExternalTools
{
    public static string Require(string program, string installHint)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : throw new InvalidOperationException(Missing(program, installHint));
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(Missing(program, installHint));
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Missing(string program, string installHint) =>
        $"'{program}' is required by this test but was not found. Install it: {installHint}";
}
