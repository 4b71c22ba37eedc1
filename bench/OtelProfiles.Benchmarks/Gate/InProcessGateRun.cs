using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The overhead gate as it was until 2026-12-05 (<c>gate Workload --in-process</c>; CI runs
/// <see cref="PairedProcessGateRun"/>): off and on phases alternated inside ONE process, compared by CPU time per
/// operation, with the same sequential stopping rule. Each "on" phase is compared with the mean of the "off" phases
/// either side of it, so a linear drift of the machine cancels; a change of speed from one phase to the next does not,
/// and on a busy host that is up to 40% (bench/results/overhead-gate.md).
/// <para>
/// The profiler comes and goes with a host of its own, as in <see cref="InProcessAbaRun"/>: starting it runs its
/// sessions and rundown, which each on phase leaves out by settling first. <c>inject</c> adds a known cost to the on
/// phases only: a thread that keeps its own CPU time at that percentage of the process's.
/// </para>
/// </summary>
internal static class InProcessGateRun
{
    public static int Run(string name, GateSettings settings)
    {
        if (WorkloadOperation.SetUpUnprofiled(name) is not (ProfiledWorkload workload, Action operation))
        {
            return 2;
        }

        string label = GateLines.Label(workload);
        Console.WriteLine(GateLines.Header(label, "", settings));
        GateProfiler.WarmUp(operation, settings.WarmupSeconds, settings.ProfilerWarmupSeconds);

        var verdict = new SequentialVerdict(settings.BudgetPercent, settings.MinPairs, settings.MaxPairs);
        PhaseCost offBefore = MeasurePhase(operation, settings, "off", inject: 0);
        while (!verdict.Decided)
        {
            PhaseCost on;
            ChargedCost charged;
            using (IHost profiler = GateProfiler.Start())
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
            Console.WriteLine(PhaseCost.Parts(label, verdict.Count.ToString(CultureInfo.InvariantCulture), offBefore, on, offAfter, charged));
            offBefore = offAfter;
        }

        workload.Cleanup();
        Console.WriteLine(GateLines.Result(label, verdict, settings));
        return verdict.Verdict == "PASS" ? 0 : 1;
    }

    /// <summary>The process's CPU per operation over a phase of whole operations, and where it went.</summary>
    private static PhaseCost MeasurePhase(Action operation, GateSettings settings, string phase, double inject)
    {
        var start = PhaseSnapshot.Take();
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

        PhaseCost cost = PhaseSnapshot.Take().CostSince(start, operations);
        if (settings.PhaseTimes)
        {
            // Stopwatch ticks are CLOCK_MONOTONIC nanoseconds on Linux: `perf record -k CLOCK_MONOTONIC` samples can be
            // split by phase with them.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GATE phase {phase} {phaseStart} {Stopwatch.GetTimestamp()} ops={operations}"));
        }

        return cost;
    }
}
