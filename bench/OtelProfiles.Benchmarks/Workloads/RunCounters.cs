using System.Globalization;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Counters a benchmark process keeps over its whole run and hands to the host in a file: operations executed and
/// bytes allocated by every thread. BenchmarkDotNet's Allocated column samples a single extra iteration, so the
/// profiler's periodic work (an export build every 15 s) lands in it or not by chance; over the whole run it is
/// always in.
/// </summary>
internal sealed record RunCounters(long Operations, long AllocatedBytes)
{
    public double AllocatedPerOperation => Operations > 0 ? (double)AllocatedBytes / Operations : 0;

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{Operations} {AllocatedBytes}"));
    }

    public static RunCounters? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string[] parts = File.ReadAllText(path).Split(' ');
        File.Delete(path);
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long operations)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long allocated)
            ? new RunCounters(operations, allocated)
            : null;
    }
}
