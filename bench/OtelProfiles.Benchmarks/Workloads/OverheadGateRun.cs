using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Measurement;

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
            $"GATE {label}: phases of {settings.PhaseSeconds} s (settle {settings.SettleSeconds} s), {settings.MinPairs}-{settings.MaxPairs} pairs, budget {settings.BudgetPercent}%, injected {settings.InjectPercent}%, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));

        // Warm the workload and the profiler's own code once (JIT, first export), uncounted.
        WorkloadOperation.RunFor(operation, settings.WarmupSeconds / 2);
        using (IHost first = StartProfiler())
        {
            WorkloadOperation.RunFor(operation, settings.WarmupSeconds / 2);
            first.StopAsync().GetAwaiter().GetResult();
        }

        var verdict = new SequentialVerdict(settings.BudgetPercent, settings.MinPairs, settings.MaxPairs);
        double offBefore = MeasurePhase(operation, settings, inject: 0);
        while (!verdict.Decided)
        {
            double on;
            using (IHost profiler = StartProfiler())
            {
                WorkloadOperation.RunFor(operation, settings.SettleSeconds);
                on = MeasurePhase(operation, settings, settings.InjectPercent);
                profiler.StopAsync().GetAwaiter().GetResult();
            }

            WorkloadOperation.RunFor(operation, settings.SettleSeconds);
            double offAfter = MeasurePhase(operation, settings, inject: 0);
            double ratio = on / ((offBefore + offAfter) / 2);
            verdict.Add(ratio);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GATE {label} pair {verdict.Count}: cpu/op off {offBefore:0.0000} on {on:0.0000} off {offAfter:0.0000} ms ratio={ratio:0.0000}"));
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

    /// <summary>Milliseconds of the process's CPU per operation over a phase of whole operations.</summary>
    private static double MeasurePhase(Action operation, GateSettings settings, double inject)
    {
        TimeSpan cpuAtStart = Environment.CpuUsage.TotalTime;
        long operations = 0;
        using InjectedCost? burner = inject > 0 ? new InjectedCost(inject) : null;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < settings.PhaseSeconds)
        {
            operation();
            operations++;
        }

        return (Environment.CpuUsage.TotalTime - cpuAtStart).TotalMilliseconds / operations;
    }
}

/// <summary>The gate's phases, pair limits, budget and injected cost.</summary>
internal sealed record GateSettings(double PhaseSeconds, double SettleSeconds, int MinPairs, int MaxPairs, double BudgetPercent, double InjectPercent, double WarmupSeconds)
{
    public static GateSettings Parse(string[] args)
    {
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
            (int)Number("--max-pairs", "20"),
            Number("--budget", "5"),
            Number("--inject", "0"),
            Number("--warmup", "20"));
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
