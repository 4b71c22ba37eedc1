using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Many threads, mostly idle: 200 threads block on waits and wake about five times a second for a sliver of work
/// (connection handlers, timers, consumers), while the measured operation prices orders on every core. The sampler
/// walks every managed thread's stack on each tick, so this is where its cost per thread shows.
/// </summary>
public class IdleThreadsWorkload : ProfiledWorkload
{
    private const int IdleThreads = 200;
    private const int Orders = 2_000;

    private readonly List<Thread> _threads = new();
    private readonly ManualResetEventSlim _stop = new();
    private long _wakeups;

    [Benchmark]
    public double IdleThreads200()
    {
        CountOperation();
        double total = 0;
        object gate = new();
        Parallel.For(0, Orders, () => 0.0, (order, _, sum) => sum + Pricing.PriceOrder(order, lines: 8), sum =>
        {
            lock (gate)
            {
                total += sum;
            }
        });
        return total + Interlocked.Read(ref _wakeups);
    }

    protected override void SetUpWorkload()
    {
        for (int i = 0; i < IdleThreads; i++)
        {
            int id = i;
            var thread = new Thread(() => Idle(id)) { IsBackground = true, Name = "idle-" + i };
            thread.Start();
            _threads.Add(thread);
        }
    }

    protected override void TearDownWorkload()
    {
        _stop.Set();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void Idle(int id)
    {
        // Staggered 200 ms waits: about 1000 short wakeups per second across all idle threads.
        while (!_stop.Wait(180 + (id % 40)))
        {
            Interlocked.Add(ref _wakeups, (long)Math.Sqrt(id + 1));
        }
    }
}
