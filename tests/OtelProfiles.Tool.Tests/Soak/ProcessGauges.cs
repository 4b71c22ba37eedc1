using System.Globalization;

namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>One reading of a process's resources, taken from /proc (Linux).</summary>
/// <param name="Elapsed">Time since the soak's load started.</param>
/// <param name="WorkingSetBytes">Resident set size (VmRSS): what the process holds in memory.</param>
/// <param name="Handles">Open file descriptors (/proc/PID/fd): files, sockets, pipes, event handles.</param>
/// <param name="Threads">Threads (/proc/PID/task).</param>
internal readonly record struct ProcessGauges(TimeSpan Elapsed, long WorkingSetBytes, int Handles, int Threads)
{
    /// <summary>Reads the three gauges of <paramref name="pid"/>; throws if the process is gone.</summary>
    public static ProcessGauges Read(int pid, TimeSpan elapsed)
    {
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(rss["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        var threads = Directory.EnumerateDirectories($"/proc/{pid}/task").Count();
        return new ProcessGauges(elapsed, kib * 1024, handles, threads);
    }
}
