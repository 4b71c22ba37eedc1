using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Allocation-heavy: builds order documents and round-trips them through System.Text.Json on every core, the way
/// an API serializes responses and parses requests. Plenty of gen0 garbage, so GC pauses meet the sampler.
/// </summary>
public class JsonSerializationWorkload : ProfiledWorkload
{
    private const int Documents = 400;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Benchmark]
    public long JsonRoundTrips()
    {
        CountOperation();
        long bytes = 0;
        Parallel.For(
            0,
            Documents,
            () => 0L,
            (i, _, sum) =>
            {
                Order order = OrderFactory.Create(i);
                string json = JsonSerializer.Serialize(order, Web);
                Order? back = JsonSerializer.Deserialize<Order>(json, Web);
                return sum + json.Length + (back?.Lines.Count ?? 0);
            },
            sum => Interlocked.Add(ref bytes, sum));
        return bytes;
    }
}
