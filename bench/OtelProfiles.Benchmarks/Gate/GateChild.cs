using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// One of the two processes of <see cref="PairedProcessGateRun"/> (<c>OtelProfiles.Benchmarks gate-child</c>): warms
/// the workload and the profiler's code, then runs the workload without a break and answers its parent's commands,
/// one per line on standard input, each answered by a <c>GATECHILD</c> line on standard output:
/// <code>
///   start                    → started       the profiler's host starts (default configuration, 4 s exports)
///   measure SECONDS PERCENT  → measured JSON a phase of that length (a known cost of PERCENT burning in it), as a GatePhaseReport
///   stop                     → stopped       the profiler's host stops: sessions closed, threads gone
///   quit (or end of input)                   the workload stops and the process exits
/// </code>
/// Other lines on standard output (the profiler's warnings) are the parent's to pass on.
/// </summary>
internal static class GateChild
{
    public const string ReplyPrefix = "GATECHILD ";

    public static int Run(string name, double warmupSeconds, double profilerWarmupSeconds)
    {
        if (WorkloadOperation.SetUpUnprofiled(name) is not (ProfiledWorkload workload, Action operation))
        {
            return 2;
        }

        GateProfiler.WarmUp(operation, warmupSeconds, profilerWarmupSeconds);

        IHost? profiler = null;
        ChargedCost chargedAtStart = default;
        long operationsAtStart = 0;
        using (var loop = new OperationLoop(operation))
        {
            Reply("ready");
            while (Console.ReadLine() is { } line)
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                switch (words.FirstOrDefault())
                {
                    case "start":
                        profiler ??= GateProfiler.Start();
                        chargedAtStart = ChargedCost.Now();
                        operationsAtStart = loop.Operations;
                        Reply("started");
                        break;
                    case "measure":
                        PhaseCost cost = Measure(loop, Number(words[1]), Number(words[2]));
                        ChargedCost? charged = profiler is null ? null : ChargedCost.Now().Since(chargedAtStart, loop.Operations - operationsAtStart);
                        Reply("measured " + JsonSerializer.Serialize(new GatePhaseReport(cost, charged)));
                        break;
                    case "stop":
                        if (profiler is not null)
                        {
                            GateProfiler.Stop(profiler);
                            profiler = null;
                        }

                        Reply("stopped");
                        break;
                    case "quit":
                        goto Done;
                    default:
                        Console.Error.WriteLine($"gate-child: unknown command '{line}'");
                        return 2;
                }
            }

        Done:
            if (profiler is not null)
            {
                GateProfiler.Stop(profiler);
            }
        }

        workload.Cleanup();
        return 0;
    }

    private static PhaseCost Measure(OperationLoop loop, double seconds, double injectPercent)
    {
        (PhaseSnapshot start, long operationsAtStart) = loop.SnapshotBetweenOperations();
        using (InjectedCost? burner = injectPercent > 0 ? new InjectedCost(injectPercent) : null)
        {
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        }

        (PhaseSnapshot end, long operationsAtEnd) = loop.SnapshotBetweenOperations();
        return end.CostSince(start, operationsAtEnd - operationsAtStart);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static void Reply(string text)
    {
        Console.WriteLine(ReplyPrefix + text);
        Console.Out.Flush();
    }
}

/// <summary>What a gate child measured in one phase, and what its profiler charged since it started (null when off).</summary>
internal sealed record GatePhaseReport(PhaseCost Cost, ChargedCost? Charged);
