using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>CPU-bound and multi-threaded: prices a batch of orders on every core (thread pool, Parallel.For).</summary>
public class CpuBoundWorkload : ProfiledWorkload
{
    private const int Orders = 2_000;

    [Benchmark]
    public double CpuBound()
    {
        CountOperation();
        double total = 0;
        object gate = new();
        Parallel.For(
            0,
            Orders,
            () => 0.0,
            (order, _, sum) => sum + Pricing.PriceOrder(order, lines: 8),
            sum =>
            {
                lock (gate)
                {
                    total += sum;
                }
            });
        return total;
    }
}
