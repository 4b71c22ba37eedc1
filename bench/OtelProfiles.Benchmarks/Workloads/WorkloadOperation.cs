using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Runs the BenchmarkDotNet workloads outside BenchmarkDotNet (the harness's processes, the in-process off/on/off
/// run, the settling in GlobalSetup): finds a workload by name and calls its one [Benchmark] method, awaited when async.
/// </summary>
internal static class WorkloadOperation
{
    /// <summary>The workload whose class name starts with <paramref name="name"/>, or null after saying which exist.</summary>
    public static ProfiledWorkload? Create(string name)
    {
        Type? type = Suites.WorkloadTypes.FirstOrDefault(t => t.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase));
        if (type is null)
        {
            Console.Error.WriteLine($"Unknown workload '{name}'; known: {string.Join(", ", Suites.WorkloadTypes.Select(t => t.Name))}.");
            return null;
        }

        return (ProfiledWorkload)Activator.CreateInstance(type)!;
    }

    /// <summary>
    /// The workload named <paramref name="name"/>, set up with a host that does not profile (the profiler comes and
    /// goes with a host of its own), and its operation; null after saying which workloads exist.
    /// </summary>
    public static (ProfiledWorkload Workload, Action Operation)? SetUpUnprofiled(string name)
    {
        Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "false");
        Environment.SetEnvironmentVariable(BenchEnvironment.SettleSeconds, "0");
        ProfiledWorkload? workload = Create(name);
        if (workload is null)
        {
            return null;
        }

        Action operation = For(workload);
        workload.Setup();
        return (workload, operation);
    }

    public static Action For(ProfiledWorkload workload)
    {
        MethodInfo operation = workload.GetType().GetMethods().Single(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null);
        return () =>
        {
            // Async operations (the Kestrel loop) are awaited the way BenchmarkDotNet does: synchronously, one at a time.
            if (operation.Invoke(workload, null) is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        };
    }

    /// <summary>Calls the operation back to back until <paramref name="seconds"/> have passed; whole operations only.</summary>
    public static (long Operations, TimeSpan Elapsed) RunFor(Action operation, double seconds)
    {
        long operations = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            operation();
            operations++;
        }

        return (operations, clock.Elapsed);
    }
}
