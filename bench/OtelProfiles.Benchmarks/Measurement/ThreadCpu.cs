using System.Globalization;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// CPU time of this process's threads grouped by what they work for (Linux: /proc/self/task/*/stat and comm), so a
/// run can say how much of its CPU the profiler's own threads took. Unlike throughput, this is accounting: the
/// machine's speed drifting does not move it.
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<int, (string Name, long Ticks)> _threads;

    private ThreadCpu(Dictionary<int, (string Name, long Ticks)> threads) => _threads = threads;

    /// <summary>Before any thread ran: <see cref="Since"/> from it is the CPU time since each live thread started.</summary>
    public static ThreadCpu Zero { get; } = new(new Dictionary<int, (string Name, long Ticks)>());

    public static ThreadCpu Snapshot()
    {
        var threads = new Dictionary<int, (string Name, long Ticks)>();
        try
        {
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    // Fields after the ")" that closes the name: utime and stime are the 12th and 13th.
                    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, ticks);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Not Linux: no per-thread numbers.
        }

        return new ThreadCpu(threads);
    }

    /// <summary>
    /// Milliseconds of CPU since <paramref name="start"/> of the profiler's threads (OtelProfiles.*, and the runtime's
    /// EventPipe flush thread, which exists only for sessions) and of the runtime's tiered-compilation thread.
    /// </summary>
    public (double ProfilerMs, double TieringMs) Since(ThreadCpu start)
    {
        double msPerTick = 1000.0 / 100; // USER_HZ is 100 on Linux
        long profiler = 0;
        long tiering = 0;
        foreach ((int id, (string name, long ticks)) in _threads)
        {
            long used = ticks - (start._threads.TryGetValue(id, out var before) ? before.Ticks : 0);
            if (name.StartsWith("OtelProfiles", StringComparison.Ordinal) || name.StartsWith(".NET EventPipe", StringComparison.Ordinal))
            {
                profiler += used;
            }
            else if (name.StartsWith(".NET Tiered", StringComparison.Ordinal))
            {
                tiering += used;
            }
        }

        return (profiler * msPerTick, tiering * msPerTick);
    }
}
