using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OtelProfiles.Diagnostics;

/// <summary>Why the EventPipe session could not start, and what the operator can do about it.</summary>
/// <param name="Reason">What is wrong, for example "diagnostics are disabled by DOTNET_EnableDiagnostics=0".</param>
/// <param name="Fix">The change that makes profiling work, as a sentence.</param>
internal readonly record struct SessionStartProblem(string Reason, string Fix);

/// <summary>
/// Turns a failed session start into one actionable warning. The exceptions from the diagnostics client ("Unable to
/// connect", "socket not found") say nothing about the cause, while the usual causes are easy to recognise from
/// the process's own situation: NativeAOT, diagnostics switched off, or no writable temporary directory for the
/// runtime's diagnostics socket.
/// </summary>
internal static class SessionStartDiagnosis
{
    public static SessionStartProblem Diagnose(Exception? exception) => Diagnose(exception, ProcessFacts.Current());

    public static SessionStartProblem Diagnose(Exception? exception, ProcessFacts facts)
    {
        if (facts.IsNativeAot)
        {
            return new(
                "the application is compiled with NativeAOT, whose runtime has no EventPipe sample profiler",
                "Publish without PublishAot (ReadyToRun keeps most of the startup benefit) to profile this application.");
        }

        foreach (var name in new[] { "DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics" })
        {
            if (facts.Environment(name)?.Trim() == "0")
            {
                return new(
                    $"diagnostics are disabled by {name}=0",
                    $"Remove {name}=0; to keep debugger and profiler attach off, set DOTNET_EnableDiagnostics_Debugger=0 " +
                    "and DOTNET_EnableDiagnostics_Profiler=0 instead.");
            }
        }

        if (facts.Environment("DOTNET_EnableDiagnostics_IPC")?.Trim() == "0")
        {
            return new(
                "the runtime's diagnostics IPC channel is disabled by DOTNET_EnableDiagnostics_IPC=0",
                "Remove DOTNET_EnableDiagnostics_IPC=0: the profiler opens its session through that channel.");
        }

        if (!facts.IsWindows && !facts.DiagnosticsSocketExists)
        {
            return facts.TempDirectoryWritable
                ? new(
                    $"the runtime's diagnostics socket (dotnet-diagnostic-{facts.ProcessId}-*-socket) is missing from {facts.TempDirectory}",
                    "Keep TMPDIR the same from process start on and make sure nothing (a tmp cleaner, a volume mounted later) removes files from it.")
                : new(
                    $"the temporary directory {facts.TempDirectory} (TMPDIR) is not writable, so the runtime could not create its diagnostics socket",
                    "Point TMPDIR at a writable directory before the process starts, for example an emptyDir volume mounted at /tmp.");
        }

        var what = exception is null ? "unknown error" : $"{exception.GetType().Name}: {FirstLine(exception.Message)}";
        return new(what, "Set OTEL_PROFILES_ENABLED=false to turn profiling off, or report the exception logged with this warning.");
    }

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}

/// <summary>The facts about the current process that <see cref="SessionStartDiagnosis"/> looks at; tests supply their own.</summary>
internal sealed record ProcessFacts(
    bool IsNativeAot,
    bool IsWindows,
    int ProcessId,
    string TempDirectory,
    bool TempDirectoryWritable,
    bool DiagnosticsSocketExists,
    Func<string, string?> Environment)
{
    public static ProcessFacts Current()
    {
        var temp = Path.GetTempPath();
        var pid = System.Environment.ProcessId;
        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        return new(
            IsNativeAot: !RuntimeFeature.IsDynamicCodeSupported,
            IsWindows: windows,
            ProcessId: pid,
            TempDirectory: temp,
            TempDirectoryWritable: CanWriteTo(temp),
            DiagnosticsSocketExists: windows || SocketExists(temp, pid),
            Environment: System.Environment.GetEnvironmentVariable);
    }

    private static bool CanWriteTo(string directory)
    {
        try
        {
            var probe = Path.Combine(directory, $".otelprofiles-probe-{System.Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool SocketExists(string directory, int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(directory, $"dotnet-diagnostic-{pid}-*-socket").Any();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
