using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;

/// <summary>
/// The accuracy suite's apps, whose truth is known by construction and measured besides:
/// <list type="bullet">
/// <item><c>cpushare</c>: three threads held at 10%, 30% and 60% of a core by duty cycle, and four that only sleep or
/// wait (Thread.Sleep(5), SemaphoreSlim.Wait, ManualResetEventSlim.Wait, Monitor.Wait) woken every 2 ms by a
/// signalling thread. Each prints its OS thread id, its CPU time as the kernel counted it
/// (<c>/proc/thread-self/schedstat</c>, read by the thread itself at its start and end) and its lifetime. The
/// signalling thread also queues a work item of ~0.8 ms of CPU to the thread pool every 4 ms; each worker prints the
/// CPU its work items used and all the CPU it used from its first item on.</item>
/// <item><c>lockwait</c>: three threads taking turns on one lock held ~2 ms, each timing with a Stopwatch every
/// acquisition that did not succeed at once.</item>
/// </list>
/// </summary>
internal static class AccuracyModes
{
    public static bool Handles(string mode) => mode is "cpushare" or "lockwait";

    public static async Task RunAsync(string mode, int seconds, IHost host)
    {
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        void WaitForProfiler()
        {
            if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
            {
                Console.WriteLine("PROFILER NOT RUNNING");
            }
        }

        using var stop = new CancellationTokenSource();
        if (mode == "cpushare")
        {
            // The threads start before the profiler does, so they are alive through every interval but the last.
            CpuShare(() =>
            {
                WaitForProfiler();
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }, stop.Token);
        }
        else
        {
            WaitForProfiler();
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            LockWait(stop.Token);
        }

        await Task.Yield();
        Console.WriteLine("WORKLOAD DONE mode=" + mode);
    }

    private static void CpuShare(Action started, CancellationToken token)
    {
        using var semaphore = new SemaphoreSlim(0);
        using var signal = new ManualResetEventSlim();
        object monitor = new();
        var roles = new (string Name, Action Body)[]
        {
            ("duty-10", () => Accuracy.Duty(0.10, token)),
            ("duty-30", () => Accuracy.Duty(0.30, token)),
            ("duty-60", () => Accuracy.Duty(0.60, token)),
            ("sleeper", () => Accuracy.SleepLoop(token)),
            ("semaphore", () => Accuracy.SemaphoreWaiter(semaphore, token)),
            ("event", () => Accuracy.EventWaiter(signal, token)),
            ("monitor", () => Accuracy.MonitorWaiter(monitor, token)),
        };

        var tids = new System.Collections.Concurrent.ConcurrentBag<long>();
        var threads = roles.Select(r => Measured(r.Name, r.Body, tids)).ToList();
        threads.ForEach(t => t.Start());
        SpinWait.SpinUntil(() => tids.Count == threads.Count);
        var timeline = new Thread(() => RecordTimeline(tids.ToArray(), threads)) { Name = "timeline", IsBackground = true };
        timeline.Start();
        started();

        // Wakes the waiters every 2 ms until the end, then once more so each sees the stop.
        var pool = new PoolTruth();
        for (long round = 0; !token.IsCancellationRequested; round++)
        {
            Thread.Sleep(2);
            Accuracy.Wake(semaphore, signal, monitor);

            // A work item every other round: a quarter of a core, alongside the duty-cycled threads' 1.0.
            if (round % 2 == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static p => Accuracy.PoolItem(p), pool, preferLocal: false);
            }
        }

        foreach (Thread thread in threads)
        {
            while (!thread.Join(5))
            {
                Accuracy.Wake(semaphore, signal, monitor);
            }
        }

        timeline.Join();
        pool.Print();
    }

    /// <summary>
    /// Reads every measured thread's CPU time (the kernel's, from /proc) every 20 ms until they end and prints it as
    /// a timeline, so the tests can tell what each thread used within each exported interval.
    /// </summary>
    private static void RecordTimeline(long[] tids, List<Thread> threads)
    {
        var points = tids.ToDictionary(t => t, _ => new System.Text.StringBuilder());
        while (threads.Exists(t => t.IsAlive))
        {
            foreach (long tid in tids)
            {
                if (ThreadCpuNs(tid) is { } cpu)
                {
                    points[tid].Append(Invariant($"{UnixNowNs()}:{cpu},"));
                }
            }

            Thread.Sleep(20);
        }

        foreach ((long tid, System.Text.StringBuilder line) in points)
        {
            Console.WriteLine(Invariant($"CPU TIMELINE tid={tid} points={line}"));
        }
    }

    private static long? ThreadCpuNs(long tid)
    {
        try
        {
            string text = File.ReadAllText(Invariant($"/proc/self/task/{tid}/schedstat"));
            return long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // the thread has ended
        }
    }

    private static void LockWait(CancellationToken token)
    {
        long waitedTicks = 0;
        long waits = 0;
        long acquisitions = 0;
        object gate = new();
        var threads = Enumerable.Range(0, 3).Select(i => new Thread(() =>
        {
            (long ticks, long count, long taken) = Accuracy.TakeTurns(gate, token);
            Interlocked.Add(ref waitedTicks, ticks);
            Interlocked.Add(ref waits, count);
            Interlocked.Add(ref acquisitions, taken);
        }) { Name = "locker-" + i }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        long waitedNs = (long)(waitedTicks * (1e9 / Stopwatch.Frequency));
        Console.WriteLine(Invariant($"LOCK TRUTH waited_ns={waitedNs} waits={waits} acquisitions={acquisitions}"));
    }

    /// <summary>A thread that runs <paramref name="body"/> and prints what the kernel says it used, and when it lived.</summary>
    private static Thread Measured(string name, Action body, System.Collections.Concurrent.ConcurrentBag<long> tids) => new(() =>
    {
        long tid = Accuracy.OsThreadId();
        tids.Add(tid);
        long startUnixNs = UnixNowNs();
        long startCpu = Accuracy.OwnCpuNs();
        long started = Stopwatch.GetTimestamp();
        body();
        long cpu = Accuracy.OwnCpuNs() - startCpu;
        long lifeNs = (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds;
        Console.WriteLine(Invariant($"THREAD TRUTH name={name} tid={tid} cpu_ns={cpu} life_ns={lifeNs} start_unix_ns={startUnixNs} end_unix_ns={UnixNowNs()}"));
    }) { Name = name, IsBackground = true };

    private static long UnixNowNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What the thread pool's workers did for the <c>cpushare</c> mode's work items: per worker, the CPU its items used
/// and its CPU time when it ran its first item, so all the CPU it used from then on is known at the end.
/// </summary>
internal sealed class PoolTruth
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (long FirstCpuNs, long ItemsCpuNs)> _workers = new();

    [ThreadStatic]
    private static long _threadTid;

    public void Begin(Func<long> tid, long cpuNs)
    {
        if (_threadTid == 0)
        {
            _threadTid = tid();
        }

        _workers.TryAdd(_threadTid, (cpuNs, 0));
    }

    public void End(long itemCpuNs) => _workers.AddOrUpdate(_threadTid, _ => (0, itemCpuNs), (_, w) => (w.FirstCpuNs, w.ItemsCpuNs + itemCpuNs));

    public void Print()
    {
        foreach ((long tid, (long first, long items)) in _workers)
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{tid}/schedstat");
            if (File.Exists(path))
            {
                string text = File.ReadAllText(path);
                long now = long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"POOL TRUTH tid={tid} items_cpu_ns={items} thread_cpu_ns={now - first}"));
            }
        }
    }
}

/// <summary>The known methods of the accuracy modes (each its own frame in the profiles).</summary>
internal static class Accuracy
{
    /// <summary>
    /// Keeps this thread busy for <paramref name="share"/> of the wall-clock time: spins in slices of 0.5 ms and,
    /// whenever the CPU the kernel counted for it is ahead of the share, sleeps until it is not. Steered by its own
    /// CPU time, not by the clock, so a thread that lost the CPU to others does not fall short of its share.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Duty(double share, CancellationToken token)
    {
        long started = Stopwatch.GetTimestamp();
        long cpuStart = OwnCpuNs();
        long slice = Stopwatch.Frequency / 2000;
        double sink = 1;
        while (!token.IsCancellationRequested)
        {
            long until = Stopwatch.GetTimestamp() + slice;
            while (Stopwatch.GetTimestamp() < until)
            {
                sink = (sink * 1.0000001) + 1e-9;
            }

            double elapsedNs = Stopwatch.GetElapsedTime(started).TotalNanoseconds;
            double aheadNs = (OwnCpuNs() - cpuStart) - (share * elapsedNs);
            if (aheadNs > 0)
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(10_000, (long)(aheadNs / share / 100))));
            }
        }

        GC.KeepAlive(sink);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SleepLoop(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Thread.Sleep(5);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SemaphoreWaiter(SemaphoreSlim semaphore, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            semaphore.Wait();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void EventWaiter(ManualResetEventSlim signal, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            signal.Wait();
            signal.Reset();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MonitorWaiter(object monitor, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            lock (monitor)
            {
                Monitor.Wait(monitor);
            }
        }
    }

    /// <summary>Wakes each waiter once.</summary>
    public static void Wake(SemaphoreSlim semaphore, ManualResetEventSlim signal, object monitor)
    {
        if (semaphore.CurrentCount == 0)
        {
            semaphore.Release();
        }

        signal.Set();
        lock (monitor)
        {
            Monitor.PulseAll(monitor);
        }
    }

    /// <summary>
    /// Takes the lock in turn with the other threads and holds it ~2 ms (sleeping: the holder uses no CPU, so three
    /// threads fit any machine). Returns the Stopwatch time spent in acquisitions that did not succeed at once, how
    /// many there were, and all acquisitions.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static (long WaitedTicks, long Waits, long Acquisitions) TakeTurns(object gate, CancellationToken token)
    {
        long waited = 0;
        long waits = 0;
        long acquisitions = 0;
        while (!token.IsCancellationRequested)
        {
            if (!Monitor.TryEnter(gate))
            {
                long before = Stopwatch.GetTimestamp();
                Monitor.Enter(gate);
                waited += Stopwatch.GetTimestamp() - before;
                waits++;
            }

            try
            {
                acquisitions++;
                Thread.Sleep(2);
            }
            finally
            {
                Monitor.Exit(gate);
            }

            // Outside the lock for a moment, so the turn passes on.
            Thread.Yield();
        }

        return (waited, waits, acquisitions);
    }

    /// <summary>
    /// One thread-pool work item: ~0.8 ms in <see cref="PoolWork"/>, timed by the worker's own CPU clock before and
    /// after (<see cref="PoolTruth"/>).
    /// </summary>
    public static void PoolItem(PoolTruth truth)
    {
        long before = OwnCpuNs();
        truth.Begin(OsThreadId, before);
        PoolWork();
        truth.End(OwnCpuNs() - before);
    }

    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PoolWork()
    {
        long until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 8 / 10_000);
        double sink = 1;
        while (Stopwatch.GetTimestamp() < until)
        {
            sink = (sink * 1.0000001) + 1e-9;
        }

        GC.KeepAlive(sink);
    }

    /// <summary>
    /// This thread's CPU time so far as the Linux scheduler counted it (ns on a CPU), up to this instant:
    /// <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> counts the current time slice, which
    /// <c>/proc/thread-self/schedstat</c> of a running thread does only up to the scheduler's last update (a tick, up
    /// to 4 ms, behind): too coarse to time a 0.8 ms work item or a 0.5 ms duty slice.
    /// </summary>
    public static long OwnCpuNs()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec now) != 0)
        {
            throw new IOException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    /// <summary>This thread's OS id (what EventPipe reports as the sample's thread).</summary>
    public static long OsThreadId()
    {
        // /proc/thread-self links to "<pid>/task/<tid>".
        string target = new FileInfo("/proc/thread-self").LinkTarget ?? throw new IOException("no /proc/thread-self");
        return long.Parse(target[(target.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }
}
