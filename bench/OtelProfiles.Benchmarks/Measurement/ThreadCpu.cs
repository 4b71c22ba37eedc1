using System.Globalization;
using OtelProfiles.Collection;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// CPU time of this process's live threads grouped by what they work for (Linux: /proc/self/task/*/schedstat, in
/// nanoseconds, and comm), so a run can say how much of its CPU the profiler's own threads took. Unlike throughput,
/// this is accounting: the machine's speed drifting does not move it. Threads that ended are not listed any more;
/// <see cref="AllMs"/> against the process's CPU time tells how much CPU they took.
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<int, (string Name, long Nanoseconds)> _threads;

    private ThreadCpu(Dictionary<int, (string Name, long Nanoseconds)> threads) => _threads = threads;

    /// <summary>Before any thread ran: <see cref="Since"/> from it is the CPU time since each live thread started.</summary>
    public static ThreadCpu Zero { get; } = new(new Dictionary<int, (string Name, long Nanoseconds)>());

    public static ThreadCpu Snapshot()
    {
        var threads = new Dictionary<int, (string Name, long Nanoseconds)>();
        try
        {
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    int id = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                    // The library's own reading (schedstat, nanoseconds; stat's 10 ms ticks are too coarse for a
                    // thread that takes 0.2% of a 20 s window). None: the thread ended after the listing.
                    if (ThreadCpuTime.Of(id) is { } cpu)
                    {
                        threads[id] = (name, cpu.Ticks * 100);
                    }
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
        long profiler = 0;
        long tiering = 0;
        foreach ((int id, (string name, long ns)) in _threads)
        {
            long used = UsedSince(start, id, ns);
            if (name.StartsWith("OtelProfiles", StringComparison.Ordinal) || name.StartsWith(".NET EventPipe", StringComparison.Ordinal))
            {
                profiler += used;
            }
            else if (name.StartsWith(".NET Tiered", StringComparison.Ordinal))
            {
                tiering += used;
            }
        }

        return (profiler / 1e6, tiering / 1e6);
    }

    /// <summary>
    /// Milliseconds of CPU since <paramref name="start"/> of every thread alive now. The process's CPU time in the same
    /// window minus this is what threads that ended in it used: with a profiler, the runtime's threads that exist only
    /// while a sampler window is open (the sampling thread and the session's flush thread), which a snapshot rarely
    /// catches alive.
    /// </summary>
    public double AllMs(ThreadCpu start)
    {
        long all = 0;
        foreach ((int id, (_, long ns)) in _threads)
        {
            all += UsedSince(start, id, ns);
        }

        return all / 1e6;
    }

    /// <summary>
    /// Milliseconds of CPU since <paramref name="start"/> grouped by thread name (digits folded, so the thread pool's
    /// workers are one group), with how many threads each group had: "name:threads:ms,...", busiest first.
    /// </summary>
    public string ByName(ThreadCpu start)
    {
        var groups = new Dictionary<string, (int Threads, long Ns)>();
        foreach ((int id, (string name, long ns)) in _threads)
        {
            string group = new(name.Select(c => char.IsDigit(c) ? '#' : c == ' ' ? '_' : c).ToArray());
            groups.TryGetValue(group, out var g);
            groups[group] = (g.Threads + 1, g.Ns + UsedSince(start, id, ns));
        }

        return string.Join(',', groups.OrderByDescending(g => g.Value.Ns)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Value.Threads}:{g.Value.Ns / 1e6:0}")));
    }

    /// <summary>Nanoseconds a thread used since <paramref name="start"/> (all of its life when it started later).</summary>
    private static long UsedSince(ThreadCpu start, int id, long ns) =>
        ns - (start._threads.TryGetValue(id, out var before) ? before.Nanoseconds : 0);
}
