using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Off → on → off inside one process, for the steady-state overhead of the default configuration without the
/// process-to-process spread of this machine (±10%: every process gets its own JIT decisions and memory layout).
/// The workload runs throughout with profiling off; after the first counted phase a second host starts the
/// profiler with the defaults, the workload settles while the profiler's start is over, the "on" phase is counted,
/// the profiler host is stopped (sessions closed) and a last "off" phase is counted. Overhead = 1 − on / mean(off
/// before, off after), so a linear drift of the machine cancels. Prints per phase and one
/// <c>ABA ratio=...</c> line per repetition.
/// </summary>
internal static class InProcessAbaRun
{
    public static int Run(string name, double phaseSeconds, double settleSeconds, int repetitions)
    {
        if (WorkloadOperation.SetUpUnprofiled(name) is not (ProfiledWorkload workload, Action operation))
        {
            return 2;
        }

        Count(operation, settleSeconds);
        var ratios = new List<double>();
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            double before = Count(operation, phaseSeconds);
            Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "true");
            IHost profiler = ProfiledHost.StartGeneric();
            Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "false");
            Count(operation, settleSeconds);
            double on = Count(operation, phaseSeconds);
            profiler.StopAsync().GetAwaiter().GetResult();
            profiler.Dispose();
            Count(operation, 2); // the sessions' last events drain
            double after = Count(operation, phaseSeconds);
            double ratio = on / ((before + after) / 2);
            ratios.Add(ratio);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ABA {workload.GetType().Name} off {before:0.00} on {on:0.00} off {after:0.00} ops/s ratio={ratio:0.0000} overhead={(1 - ratio) * 100:0.00}%"));
        }

        workload.Cleanup();
        ratios.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ABA {workload.GetType().Name} median ratio={ratios[ratios.Count / 2]:0.0000} over {ratios.Count} repetitions"));
        return 0;
    }

    /// <summary>Operations per second over a phase of whole operations.</summary>
    private static double Count(Action operation, double seconds)
    {
        (long operations, TimeSpan elapsed) = WorkloadOperation.RunFor(operation, seconds);
        return operations / elapsed.TotalSeconds;
    }
}
