using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>The one [Benchmark] method of a workload class, callable outside BenchmarkDotNet (awaited when async).</summary>
internal static class WorkloadOperation
{
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
}
