using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Lock-contended: more threads than cores update one shared inventory under a monitor, with a little work inside
/// and outside the lock, like a cache or a connection pool guarded by one lock.
/// </summary>
public class LockContentionWorkload : ProfiledWorkload
{
    private const int Threads = 6;
    private const int UpdatesPerThread = 4_000;

    private readonly object _inventoryLock = new();
    private readonly Dictionary<int, long> _inventory = new();

    [Benchmark]
    public long LockContended()
    {
        CountOperation();
        var threads = new Task[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int seed = t;
            threads[t] = Task.Factory.StartNew(() => Worker(seed), TaskCreationOptions.LongRunning);
        }

        Task.WaitAll(threads);
        lock (_inventoryLock)
        {
            return _inventory.Count;
        }
    }

    private void Worker(int seed)
    {
        for (int i = 0; i < UpdatesPerThread; i++)
        {
            double outside = Work(seed + i, 40);
            lock (_inventoryLock)
            {
                int sku = (seed * 7919 + i) % 512;
                _inventory[sku] = _inventory.GetValueOrDefault(sku) + (long)outside % 3 + (long)Work(sku, 20) % 2;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Work(int seed, int rounds)
    {
        double x = seed;
        for (int i = 0; i < rounds; i++)
        {
            x = Math.Sqrt(x + i) * 1.0001;
        }

        return x;
    }
}
