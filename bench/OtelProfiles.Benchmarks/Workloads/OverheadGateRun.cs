using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Health;
using OtelProfiles.Tracing;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// The CI overhead gate's measurement (bench/ci-overhead-check): off and on phases alternated inside ONE process,
/// compared by CPU time per operation, with a sequential stopping rule.
/// <para>
/// Why in one process: on this kind of VM, two processes running the same code with the same configuration differ
/// by up to ±15% in CPU per operation (measured 2026-12-04: profiling off, CpuBound, 4.76 to 6.21 ms per operation
/// over 10 processes; bench/results/overhead-gate.md), so a cross-process comparison of a handful of pairs cannot
/// tell 0% from 8%. Phases of one process share its code placement, memory layout and thread count, and differ by
/// 1–3%. Each "on" phase is compared with the mean of the "off" phases either side of it, so a linear drift cancels.
/// </para>
/// <para>
/// Why CPU per operation: it is what the app pays. Throughput also moves with other processes' load; CPU per
/// operation only with what runs in this process (the workload's and the profiler's threads, the runtime's).
/// </para>
/// <para>
/// The profiler comes and goes with a host of its own, as in <see cref="InProcessAbaRun"/>: starting it runs its
/// sessions and rundown, which each on phase leaves out by settling first (the start-up cost is a once-per-process
/// cost, reported apart by the A/B harness). Its export interval is shortened (4 s) so that every on phase pays
/// for at least one export: the gate charges exports more often than the default 15 s does.
/// </para>
/// <para>
/// <c>inject</c> adds a known cost to the on phases only, to show that the gate catches a real one: after each
/// A burner thread runs during the on phases and keeps its own CPU time at that percentage of the process's.
/// </para>
/// </summary>
internal static class OverheadGateRun
{
    public static int Run(string name, GateSettings settings)
    {
        if (WorkloadOperation.SetUpUnprofiled(name) is not (ProfiledWorkload workload, Action operation))
        {
            return 2;
        }

        string label = workload.GetType().Name.Replace("Workload", "", StringComparison.Ordinal);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GATE {label}: warmup {settings.WarmupSeconds} s + {settings.ProfilerWarmupSeconds} s profiled, phases of {settings.PhaseSeconds} s (settle {settings.SettleSeconds} s), {settings.MinPairs}-{settings.MaxPairs} pairs, budget {settings.BudgetPercent}%, injected {settings.InjectPercent}%, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));

        // Warm the workload, then the profiler's own code, uncounted. The profiler's start is a once-per-process cost,
        // reported apart (bench/measure-idle); the JIT keeps tiering the profiler's code up for about a minute of
        // profiling (code that runs once per window or export reaches the 30-call threshold after ~30 of them), and a
        // `perf` profile of a gate with 10 s of profiled warmup had the tiering thread at ~1% of the process in the first
        // on phases, ~0 from the eighth (bench/results/kestrel-cost-2026-12-05.md).
        WorkloadOperation.RunFor(operation, settings.WarmupSeconds);
        using (IHost first = StartProfiler())
        {
            WorkloadOperation.RunFor(operation, settings.ProfilerWarmupSeconds);
            first.StopAsync().GetAwaiter().GetResult();
        }

        var verdict = new SequentialVerdict(settings.BudgetPercent, settings.MinPairs, settings.MaxPairs);
        PhaseCost offBefore = MeasurePhase(operation, settings, "off", inject: 0);
        while (!verdict.Decided)
        {
            PhaseCost on;
            ChargedCost charged;
            using (IHost profiler = StartProfiler())
            {
                ChargedCost chargedAtStart = ChargedCost.Now();
                long settleOperations = WorkloadOperation.RunFor(operation, settings.SettleSeconds).Operations;
                on = MeasurePhase(operation, settings, "on", settings.InjectPercent);
                profiler.StopAsync().GetAwaiter().GetResult();
                charged = ChargedCost.Now().Since(chargedAtStart, settleOperations + on.Operations);
            }

            WorkloadOperation.RunFor(operation, settings.SettleSeconds);
            PhaseCost offAfter = MeasurePhase(operation, settings, "off", inject: 0);
            double ratio = on.MsPerOperation / ((offBefore.MsPerOperation + offAfter.MsPerOperation) / 2);
            verdict.Add(ratio);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GATE {label} pair {verdict.Count}: cpu/op off {offBefore.MsPerOperation:0.0000} on {on.MsPerOperation:0.0000} off {offAfter.MsPerOperation:0.0000} ms ratio={ratio:0.0000}"));
            Console.WriteLine(PhaseCost.Parts(label, verdict.Count, offBefore, on, offAfter, charged));
            offBefore = offAfter;
        }

        workload.Cleanup();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GATE RESULT workload={label} verdict={verdict.Verdict} overhead_percent={verdict.OverheadPercent:0.00} low={verdict.LowPercent:0.00} high={verdict.HighPercent:0.00} pairs={verdict.Count} injected={settings.InjectPercent} resolved={(verdict.Resolved ? "yes" : "no")}"));
        return verdict.Verdict == "PASS" ? 0 : 1;
    }

    /// <summary>A host that runs only the profiler, at the defaults but for a 4 s export interval.</summary>
    private static IHost StartProfiler()
    {
        Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "true");
        Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", "4000");
        try
        {
            return ProfiledHost.StartGeneric();
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "false");
            Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", null);
        }
    }

    /// <summary>The process's CPU per operation over a phase of whole operations, and where it went.</summary>
    private static PhaseCost MeasurePhase(Action operation, GateSettings settings, string phase, double inject)
    {
        ThreadCpu threadsAtStart = ThreadCpu.Snapshot();
        TimeSpan pauseAtStart = GC.GetTotalPauseDuration();
        int gen0AtStart = GC.CollectionCount(0);
        int gen1AtStart = GC.CollectionCount(1);
        TimeSpan cpuAtStart = Environment.CpuUsage.TotalTime;
        long operations = 0;
        long phaseStart = Stopwatch.GetTimestamp();
        using (InjectedCost? burner = inject > 0 ? new InjectedCost(inject) : null)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < settings.PhaseSeconds)
            {
                operation();
                operations++;
            }
        }

        double cpuMs = (Environment.CpuUsage.TotalTime - cpuAtStart).TotalMilliseconds;
        ThreadCpu threadsAtEnd = ThreadCpu.Snapshot();
        (double profilerMs, double tieringMs) = threadsAtEnd.Since(threadsAtStart);
        // Threads that ended inside the phase: a sampler window's sampling and streaming threads (a retiring thread-pool
        // worker now and then too).
        double endedMs = Math.Max(0, cpuMs - threadsAtEnd.AllMs(threadsAtStart));
        if (settings.PhaseTimes)
        {
            // Stopwatch ticks are CLOCK_MONOTONIC nanoseconds on Linux: `perf record -k CLOCK_MONOTONIC` samples can be
            // split by phase with them.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GATE phase {phase} {phaseStart} {Stopwatch.GetTimestamp()} ops={operations}"));
        }

        return new PhaseCost(
            operations,
            cpuMs / operations,
            (profilerMs + endedMs) / operations,
            (GC.GetTotalPauseDuration() - pauseAtStart).TotalMilliseconds / operations,
            tieringMs / operations,
            (GC.CollectionCount(0) - gen0AtStart) * 1000.0 / operations,
            (GC.CollectionCount(1) - gen1AtStart) * 1000.0 / operations,
            ThreadPool.ThreadCount);
    }
}

/// <summary>
/// One phase's CPU per operation (ms), the part of it the profiler's threads and threads that ended in the phase used
/// (ms), GC pause time per operation (ms, wall clock), the JIT's tiering thread's CPU per operation (ms), gen0 and gen1
/// collections per 1,000 operations and the thread pool's thread count at its end. The rest of the CPU is
/// the app's own threads: if profiling makes them slower (pauses, caches, span tracking, GC), it shows there.
/// </summary>
internal readonly record struct PhaseCost(long Operations, double MsPerOperation, double ProfilerMsPerOperation, double GcPauseMsPerOperation, double TieringMsPerOperation, double Gen0PerThousand, double Gen1PerThousand, int PoolThreads)
{
    public double AppMsPerOperation => MsPerOperation - ProfilerMsPerOperation;

    /// <summary>
    /// A "GATE label parts N:" line (not a pair line: <see cref="Measurement.GateResampling"/> skips it): the on
    /// phase's app threads against the off phases' mean, the profiler threads' share, what the profiler charged to its
    /// budget, and the GC's pause time, each as a percentage of the off phases' CPU per operation.
    /// </summary>
    public static string Parts(string label, int pair, PhaseCost offBefore, PhaseCost on, PhaseCost offAfter, ChargedCost charged)
    {
        double OffMean(Func<PhaseCost, double> part) => (part(offBefore) + part(offAfter)) / 2;
        double off = OffMean(p => p.MsPerOperation);
        double offPause = OffMean(p => p.GcPauseMsPerOperation);
        double offGen0 = OffMean(p => p.Gen0PerThousand);
        double Percent(double ms) => ms / off * 100;
        double Extra(Func<PhaseCost, double> part) => Percent(part(on) - OffMean(part));
        return string.Create(CultureInfo.InvariantCulture,
            $"GATE {label} parts {pair}: app_threads {Extra(p => p.AppMsPerOperation):+0.00;-0.00;0.00}% profiler_threads {Extra(p => p.ProfilerMsPerOperation):+0.00;-0.00;0.00}% charged {Percent(charged.MsPerOperation):0.00}% (cpu {Percent(charged.CpuMsPerOperation):0.00}, span tracking {Percent(charged.TrackingMsPerOperation):0.00} for {charged.ChangesPerOperation:0} changes/op of which {charged.SetsPerOperation:0} sets, paused {Percent(charged.PausedMsPerOperation):0.00}, gc {Percent(charged.GcPauseMsPerOperation):0.00}) gc_pause {Extra(p => p.GcPauseMsPerOperation):+0.00;-0.00;0.00}% (per gen0 off {offPause / offGen0 * 1e6:0} on {on.GcPauseMsPerOperation / on.Gen0PerThousand * 1e6:0} us) tiering {Extra(p => p.TieringMsPerOperation):+0.00;-0.00;0.00}% gen0/kop off {offGen0:0.0} on {on.Gen0PerThousand:0.0} gen1/kop off {OffMean(p => p.Gen1PerThousand):0.0} on {on.Gen1PerThousand:0.0} pool_threads {offBefore.PoolThreads}/{on.PoolThreads}/{offAfter.PoolThreads}");
    }
}

/// <summary>
/// What the profiler charged to its budget (its threads' CPU, span tracking, paused time, the estimated extra of the
/// app's GC pauses) and the span mirror's changes
/// and sets: totals so far (<see cref="Now"/>), or over <see cref="Operations"/> operations (<see cref="Since"/>).
/// </summary>
internal readonly record struct ChargedCost(TimeSpan Cpu, TimeSpan Tracking, TimeSpan Paused, TimeSpan GcPause, long Changes, long Sets, long Operations = 1)
{
    public double CpuMsPerOperation => Cpu.TotalMilliseconds / Operations;

    public double TrackingMsPerOperation => Tracking.TotalMilliseconds / Operations;

    public double PausedMsPerOperation => Paused.TotalMilliseconds / Operations;

    public double GcPauseMsPerOperation => GcPause.TotalMilliseconds / Operations;

    public double MsPerOperation => CpuMsPerOperation + TrackingMsPerOperation + PausedMsPerOperation + GcPauseMsPerOperation;

    public double ChangesPerOperation => Changes / (double)Operations;

    public double SetsPerOperation => Sets / (double)Operations;

    public static ChargedCost Now()
    {
        ProfilerHealth health = ProfilerHealth.Shared;
        return new ChargedCost(health.ProfilerCpu, health.SpanTrackingCpu, health.Paused, health.GcPauseExtra, SampleContextTracker.ChangesCharged, SampleContextTracker.SetsCharged);
    }

    /// <summary>What was charged since <paramref name="start"/>, over <paramref name="operations"/> operations.</summary>
    public ChargedCost Since(ChargedCost start, long operations) =>
        new(Cpu - start.Cpu, Tracking - start.Tracking, Paused - start.Paused, GcPause - start.GcPause, Changes - start.Changes, Sets - start.Sets, operations);
}

/// <summary>The gate's phases, pair limits, budget and injected cost.</summary>
internal sealed record GateSettings(double PhaseSeconds, double SettleSeconds, int MinPairs, int MaxPairs, double BudgetPercent, double InjectPercent, double WarmupSeconds, double ProfilerWarmupSeconds, bool PhaseTimes)
{
    /// <summary>
    /// The most pairs a workload's gate runs before the mean decides. Kestrel's phases vary most (the VM's two speeds
    /// of loopback request handling, 3.6–3.9 against 4.1–4.6 ms per operation, whichever phase they fall on), so it
    /// gets half again as many: its mean's standard error falls by a fifth, for 2.5 more minutes at most.
    /// </summary>
    public static int DefaultMaxPairs(string workload) => workload.StartsWith("Kestrel", StringComparison.Ordinal) ? 30 : 20;

    public static GateSettings Parse(string[] args)
    {
        string workload = args.Length > 1 ? args[1] : "";
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        double Number(string name, string fallback) => double.Parse(Value(name, fallback), CultureInfo.InvariantCulture);
        return new GateSettings(
            Number("--phase", "5"),
            Number("--settle", "2.5"),
            (int)Number("--min-pairs", "6"),
            (int)Number("--max-pairs", DefaultMaxPairs(workload).ToString(CultureInfo.InvariantCulture)),
            Number("--budget", "5"),
            Number("--inject", "0"),
            Number("--warmup", "10"),
            Number("--profiler-warmup", "60"),
            args.Contains("--phase-times"));
    }
}

/// <summary>
/// A known cost: a thread that keeps its own CPU time at a set share of the process's CPU time while it runs. On a
/// saturated app it takes that share of the cores from the workload, on an unsaturated one it adds that share: either
/// way CPU per operation rises by about that share, as a real overhead of that size would make it.
/// </summary>
internal sealed partial class InjectedCost : IDisposable
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private readonly double _share;
    private readonly Thread _thread;
    private volatile bool _stop;

    public InjectedCost(double percent)
    {
        _share = percent / 100;
        _thread = new Thread(Burn) { IsBackground = true, Name = "Gate.InjectedCost" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Burn()
    {
        TimeSpan processAtStart = Environment.CpuUsage.TotalTime;
        long ownAtStart = ThreadCpuNanoseconds();
        while (!_stop)
        {
            double process = (Environment.CpuUsage.TotalTime - processAtStart).TotalMilliseconds * 1_000_000;
            double own = ThreadCpuNanoseconds() - ownAtStart;
            if (own < _share * process)
            {
                long until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 2000);
                while (Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(20);
                }
            }
            else
            {
                Thread.Sleep(1);
            }
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        GetClock(ThreadCpuClock, out TimeSpec now);
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int GetClock(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
