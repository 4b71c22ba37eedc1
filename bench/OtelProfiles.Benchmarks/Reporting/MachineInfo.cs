using System.Globalization;
using System.Runtime.InteropServices;

namespace OtelProfiles.Benchmarks.Reporting;

/// <summary>What a reader of the results needs to judge them: which machine, and how busy it was.</summary>
internal static class MachineInfo
{
    /// <summary>Above this 1-minute load average on this machine's core count, numbers are labelled as taken under load.</summary>
    public static double LoadedThreshold => Math.Max(1.5, Environment.ProcessorCount * 0.75);

    /// <summary>The 1-minute load average (Linux), or null where there is none.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public static string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cpu()}, {Environment.ProcessorCount} cores, {MemoryGb():0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");

    private static string Cpu()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static double MemoryGb() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}
