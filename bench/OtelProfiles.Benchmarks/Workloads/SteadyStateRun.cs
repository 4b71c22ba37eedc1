using System.Diagnostics;
using System.Globalization;
using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Runs one BenchmarkDotNet workload outside BenchmarkDotNet, for the interleaved A/B harness
/// (bench/OtelProfiles.Overhead): the same setup, host and operation, called back to back for a warmup and then a
/// counted steady state. BenchmarkDotNet runs its jobs one after another, so slow drift of a shared machine lands on
/// whichever job ran during it; the harness instead alternates short off/on processes and takes medians.
/// Prints one line: <c>WORKLOAD DONE ops=N elapsed_ms=T cpu_ms=C peak_ws_kb=K warmup_cpu_ms=W ...</c>, then the
/// managed heap, the CPU time of the profiler's own threads and of the tiered-compilation thread in the window, and
/// the CPU time of threads that ended during the window, and the GC's pauses and collections in the window (a
/// profiler that made the app's collections longer or more frequent would show there, not in its own threads).
/// </summary>
internal static class SteadyStateRun
{
    public static int Run(string name, double seconds, double warmupSeconds)
    {
        ProfiledWorkload? workload = WorkloadOperation.Create(name);
        if (workload is null)
        {
            return 2;
        }

        Action invoke = WorkloadOperation.For(workload);

        // No settling inside Setup: the warmup below is this run's settling, and its CPU time is reported.
        Environment.SetEnvironmentVariable(BenchEnvironment.SettleSeconds, "0");
        workload.Setup();
        using var process = Process.GetCurrentProcess();
        WorkloadOperation.RunFor(invoke, warmupSeconds);
        process.Refresh();
        TimeSpan cpuAtStart = process.TotalProcessorTime;
        // getrusage: the same nanosecond-based run time as the threads' schedstat, so the two can be subtracted.
        TimeSpan preciseCpuAtStart = Environment.CpuUsage.TotalTime;
        ThreadCpu threadsAtStart = ThreadCpu.Snapshot();
        TimeSpan gcPauseAtStart = GC.GetTotalPauseDuration();
        int gcCountAtStart = GC.CollectionCount(0);
        // The profiler's start, as CPU its threads and the JIT's tiering thread used before the counted window (threads
        // that already ended, such as the start-up rundown's reader, are not in it).
        (double warmupProfilerMs, double warmupTieringMs) = threadsAtStart.Since(ThreadCpu.Zero);
        (long ops, TimeSpan elapsed) = WorkloadOperation.RunFor(invoke, seconds);
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpuAtStart;
        TimeSpan preciseCpu = Environment.CpuUsage.TotalTime - preciseCpuAtStart;
        ThreadCpu threadsAtEnd = ThreadCpu.Snapshot();
        TimeSpan gcPause = GC.GetTotalPauseDuration() - gcPauseAtStart;
        int gcCount = GC.CollectionCount(0) - gcCountAtStart;
        (double profilerMs, double tieringMs) = threadsAtEnd.Since(threadsAtStart);
        double endedThreadsMs = Math.Max(0, preciseCpu.TotalMilliseconds - threadsAtEnd.AllMs(threadsAtStart));
        long peakKb = ProcessProbe.PeakWorkingSet(process) / 1024;
        // Managed heap after the last GC and memory the GC has committed: the rest of a working-set difference is native.
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"WORKLOAD DONE ops={ops} elapsed_ms={elapsed.TotalMilliseconds:0} cpu_ms={cpu.TotalMilliseconds:0} peak_ws_kb={peakKb} warmup_cpu_ms={cpuAtStart.TotalMilliseconds:0} gc_heap_kb={gc.HeapSizeBytes / 1024} gc_committed_kb={gc.TotalCommittedBytes / 1024} profiler_threads_cpu_ms={profilerMs:0} tiering_cpu_ms={tieringMs:0} warmup_profiler_cpu_ms={warmupProfilerMs:0} warmup_tiering_cpu_ms={warmupTieringMs:0} ended_threads_cpu_ms={endedThreadsMs:0} gc_pause_ms={gcPause.TotalMilliseconds:0} gc_count={gcCount}"));
        // The thread pool's size and each group of threads' CPU: where an app's time went when the profiler is on.
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"WORKLOAD FP {FloatingPointState.OfWorkers()} main={FloatingPointState.OfThisThread()}\nWORKLOAD THREADS threadpool_threads={ThreadPool.ThreadCount} completed_items={ThreadPool.CompletedWorkItemCount} by_name={threadsAtEnd.ByName(threadsAtStart)}"));
        workload.Cleanup();
        return 0;
    }
}

/// <summary>The floating-point control state (x87 control word and MXCSR) of the threads that run the workload.</summary>
internal static partial class FloatingPointState
{
    [System.Runtime.InteropServices.LibraryImport("libm.so.6", EntryPoint = "fegetenv")]
    private static unsafe partial int GetEnvironment(byte* environment);

    public static unsafe string OfThisThread()
    {
        byte* environment = stackalloc byte[32];
        GetEnvironment(environment);
        return $"{*(ushort*)environment:x}/{*(uint*)(environment + 28):x}";
    }

    /// <summary>Each thread-pool thread's "x87/mxcsr" words (hex), as "thread:cw/mxcsr,...".</summary>
    public static unsafe string OfWorkers()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
        Parallel.For(0, 20_000, _ =>
        {
            byte* environment = stackalloc byte[32];
            GetEnvironment(environment);
            ushort controlWord = *(ushort*)environment;
            uint mxcsr = *(uint*)(environment + 28);
            seen.TryAdd(Environment.CurrentManagedThreadId, $"{controlWord:x}/{mxcsr:x}");
            Thread.SpinWait(200);
        });
        return string.Join(',', seen.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"));
    }
}
