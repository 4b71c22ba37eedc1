using System.Globalization;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The CI overhead gate (bench/ci-overhead-check): two processes, A and B, run the same workload at the same time;
/// in each step one of them profiles and the other does not, and their CPU per operation over the same seconds is
/// compared. Steps alternate which process profiles; a pair of steps gives one ratio, the geometric mean of
/// (A on / B off) and (B on / A off), to which the sequential rule of <see cref="SequentialVerdict"/> applies.
/// <code>
///   A, B: warm-up (workload, then the profiler's code)          both processes, concurrently, uncounted
///   step 2k:   A starts the profiler ─ settle ─ [A on | B off] ─ A stops it
///   step 2k+1: B starts the profiler ─ settle ─ [B on | A off] ─ B stops it
///   pair k:    ratio = sqrt( (A on / B off) × (B on / A off) )   → SequentialVerdict, until PASS, FAIL or the pair limit
/// </code>
/// <para>
/// Why two processes at once: a shared VM's speed changes from second to second (a neighbour on the host, its
/// caches and memory bandwidth), by up to 40% between one 5 s phase and the next (the fresh-clone CI run of
/// 2026-12-05 19:12 UTC, bench/results/overhead-gate.md). Phases of one process taken one after another see those
/// changes as noise; two processes measured over the same seconds see the same machine, and the ratio cancels it.
/// </para>
/// <para>
/// Why the swap: two processes with the same code differ by a few percent in CPU per operation (code placement,
/// memory layout; up to ±15% measured on 2026-12-04). A's speed over B's is a constant factor f in both steps of a
/// pair: (A on / B off) carries f, (B on / A off) carries 1/f, and their geometric mean carries neither.
/// </para>
/// <para>
/// Both processes share the two cores, so each runs its workload with about half the machine: the profiler's cost
/// is measured as a share of what the app gets, which is what its budget is a share of.
/// </para>
/// </summary>
internal static class PairedProcessGateRun
{
    public static int Run(string name, GateSettings settings)
    {
        if (WorkloadOperation.Create(name) is not { } workload)
        {
            return 2;
        }

        string label = GateLines.Label(workload);
        Console.WriteLine(GateLines.Header(label, "two processes, ", settings));

        var ready = TimeSpan.FromSeconds(settings.WarmupSeconds + settings.ProfilerWarmupSeconds + 120);
        var command = TimeSpan.FromSeconds(60);
        var measured = TimeSpan.FromSeconds(settings.PhaseSeconds + 60);
        try
        {
            using GateChildProcess a = GateChildProcess.Start("A", name, settings);
            using GateChildProcess b = GateChildProcess.Start("B", name, settings);
            a.Expect("ready", ready);
            b.Expect("ready", ready);

            var verdict = new SequentialVerdict(settings.BudgetPercent, settings.MinPairs, settings.MaxPairs);
            (GatePhaseReport On, GatePhaseReport Off, double Ratio)? first = null;
            for (int step = 0; !verdict.Decided; step++)
            {
                (GateChildProcess on, GateChildProcess off) = step % 2 == 0 ? (a, b) : (b, a);
                on.Send("start");
                on.Expect("started", command);
                Thread.Sleep(TimeSpan.FromSeconds(settings.SettleSeconds));

                // Both phases over the same seconds: the commands go out back to back, each child starts its phase at
                // the end of its operation in progress.
                on.Send(string.Create(CultureInfo.InvariantCulture, $"measure {settings.PhaseSeconds} {settings.InjectPercent}"));
                off.Send(string.Create(CultureInfo.InvariantCulture, $"measure {settings.PhaseSeconds} 0"));
                GatePhaseReport onPhase = on.ExpectMeasured(measured);
                GatePhaseReport offPhase = off.ExpectMeasured(measured);
                on.Send("stop");
                on.Expect("stopped", command);

                double ratio = onPhase.Cost.MsPerOperation / offPhase.Cost.MsPerOperation;
                string stepName = string.Create(CultureInfo.InvariantCulture, $"{(step / 2) + 1}{(step % 2 == 0 ? 'a' : 'b')}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"GATE {label} step {stepName}: cpu/op {on.Name} on {onPhase.Cost.MsPerOperation:0.0000} {off.Name} off {offPhase.Cost.MsPerOperation:0.0000} ms ratio {ratio:0.0000}"));
                Console.WriteLine(PhaseCost.Parts(label, stepName, offPhase.Cost, onPhase.Cost, offPhase.Cost, onPhase.Charged ?? throw new InvalidOperationException($"gate child {on.Name} profiled and reported no charge")));
                if (first is not { } aOn)
                {
                    first = (onPhase, offPhase, ratio);
                    continue;
                }

                first = null;
                double pairRatio = Math.Sqrt(aOn.Ratio * ratio);
                verdict.Add(pairRatio);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"GATE {label} pair {verdict.Count}: cpu/op A on {aOn.On.Cost.MsPerOperation:0.0000} B off {aOn.Off.Cost.MsPerOperation:0.0000}, B on {onPhase.Cost.MsPerOperation:0.0000} A off {offPhase.Cost.MsPerOperation:0.0000} ms ratio={pairRatio:0.0000}"));
            }

            Console.WriteLine(GateLines.Result(label, verdict, settings));
            return verdict.Verdict == "PASS" ? 0 : 1;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            Console.WriteLine($"GATE {label}: ERROR {ex.Message}");
            return 2;
        }
    }
}
