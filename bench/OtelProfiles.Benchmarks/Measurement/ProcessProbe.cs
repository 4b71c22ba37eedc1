using System.Diagnostics;
using System.Globalization;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>Reads another process's CPU time and memory from outside (Linux /proc; elsewhere what .NET offers).</summary>
internal static class ProcessProbe
{
    /// <summary>User + kernel CPU time of the process so far, or zero once it has gone.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Peak resident set (VmHWM) in bytes: the working set high-water mark, which is what a memory limit hits.</summary>
    public static long PeakWorkingSet(Process process) => StatusKb(process.Id, "VmHWM:") * 1024 is > 0 and long peak
        ? peak
        : SafePeakWorkingSet(process);

    private static long SafePeakWorkingSet(Process process)
    {
        try
        {
            process.Refresh();
            return process.PeakWorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private static long StatusKb(int processId, string field)
    {
        string path = $"/proc/{processId}/status";
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal)
                    && long.TryParse(line[field.Length..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb))
                {
                    return kb;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
