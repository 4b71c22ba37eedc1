using OtelProfiles.Otlp.Model;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// End to end for the allocation, in-use, lock and exception profiles: a child process runs a known workload with
/// only that profile type on, and what a real receiver got is compared with what the child says it did.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EventProfilesTests
{
    private readonly ITestOutputHelper _output;

    public EventProfilesTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Allocation_estimate_of_a_known_method_is_within_15_percent_of_what_it_allocated()
    {
        EventWorkload run = await EventWorkload.RunAsync("alloc", 6, "alloc");

        long truth = run.Truth("bytes");
        var bytes = run.OfType("alloc_space/bytes", "memory/bytes");
        var objects = run.OfType("alloc_objects/count", "memory/bytes");
        long estimate = EventWorkload.Through(bytes, "Shop.Inventory.BuildCatalog");
        double error = (estimate - truth) / (double)truth;
        _output.WriteLine($"BuildCatalog allocated {truth:N0} bytes; estimated {estimate:N0} ({error:+0.0%;-0.0%}); samples: {bytes.Sum(p => p.Samples.Count)}");
        Assert.True(truth > 50L << 20, $"the child allocated only {truth:N0} bytes; too few for a stable estimate");
        Assert.InRange(error, -0.15, 0.15);

        // Only the requested type is exported, every sample is attributed to the allocating method (the runtime's
        // own allocation frames are trimmed) and names the allocated type.
        Assert.DoesNotContain(run.Profiles, p => p.PeriodType is "cpu/nanoseconds" or "wall/nanoseconds");
        Assert.All(bytes.Concat(objects), p => Assert.Equal(102_400, p.Period));
        var catalog = bytes.SelectMany(p => p.Samples).Where(s => s.Frames.Any(f => f.Name == "Shop.Inventory.BuildCatalog")).ToList();
        Assert.True(catalog.Where(s => s.Leaf == "Shop.Inventory.BuildCatalog").Sum(s => s.Value) > 0.9 * estimate, "leaf frames: " + string.Join(", ", catalog.Select(s => s.Leaf).Distinct()));
        Assert.All(catalog, s => Assert.Equal("System.Byte[]", s.GetAttribute("dotnet.allocation.type")));
        Assert.Contains(bytes.SelectMany(p => p.Samples), s => s.GetAttribute("dotnet.allocation.type") == "System.String");

        // Object counts: byte arrays of 16..4096 bytes average about 2 KB.
        long estimatedObjects = EventWorkload.Through(objects, "Shop.Inventory.BuildCatalog");
        Assert.InRange(truth / (double)estimatedObjects, 1500, 3000);
    }

    [Theory]
    [InlineData("1", "on", -0.25, 0.20)]  // background GC (the default): survivors reported once, at its end
    [InlineData("0", "off", -0.20, 0.20)] // non-concurrent GC: every collection reports its survivors; exact but for sampling
    public async Task In_use_memory_is_dominated_by_the_retaining_method_not_by_the_garbage_one(string gcConcurrent, string backgroundGc, double low, double high)
    {
        EventWorkload run = await EventWorkload.RunAsync("retain", 6, "alloc,inuse", ("DOTNET_gcConcurrent", gcConcurrent));

        long retained = run.Truth("retained");
        long garbage = run.Truth("garbage");
        Assert.True(garbage > 3 * retained, $"the workload should allocate far more garbage ({garbage:N0}) than it retains ({retained:N0})");

        // Allocations: the garbage method allocates most. In use at the end: the retaining method holds nearly all.
        var allocated = run.OfType("alloc_space/bytes", "memory/bytes");
        Assert.True(EventWorkload.Through(allocated, "Shop.Cache.ChurnGarbage") > 2 * EventWorkload.Through(allocated, "Shop.Cache.RetainOrders"));

        var inUse = run.OfType("inuse_space/bytes", "memory/bytes");
        DecodedProfile last = inUse[^1];
        long retainedEstimate = EventWorkload.Through([last], "Shop.Cache.RetainOrders");
        long garbageEstimate = EventWorkload.Through([last], "Shop.Cache.ChurnGarbage");
        double error = (retainedEstimate - retained) / (double)retained;
        _output.WriteLine($"retained {retained:N0} bytes, in use by RetainOrders {retainedEstimate:N0} ({error:+0.0%;-0.0%}), by ChurnGarbage {garbageEstimate:N0}");
        Assert.True(retainedEstimate > 10 * garbageEstimate, $"in use: RetainOrders {retainedEstimate:N0}, ChurnGarbage {garbageEstimate:N0}");
        Assert.InRange(error, low, high);
        Assert.All(run.ProfileAttribute("inuse_space", "dotnet.gc.background"), value => Assert.Equal(backgroundGc, value));
        Assert.True(last.Samples.Where(s => s.GetAttribute("dotnet.allocation.type") == "System.Byte[]").Sum(s => s.Value) > 0.9 * retainedEstimate);
        Assert.DoesNotContain(last.Samples, s => s.HasAttribute("thread.id"));

        // The in-use profile grows while the method keeps allocating (it takes about 4 s to reach its budget).
        Assert.True(inUse.Count >= 2, $"{inUse.Count} in-use profiles");
        Assert.True(EventWorkload.Through([inUse[0]], "Shop.Cache.RetainOrders") < 0.8 * retainedEstimate);
    }

    [Fact]
    public async Task Lock_contention_counts_waits_and_their_time_on_the_contending_stack()
    {
        EventWorkload run = await EventWorkload.RunAsync("lock", 5, "lock");

        var count = run.OfType("contentions/count", "mutex/count");
        var delay = run.OfType("delay/nanoseconds", "mutex/count");
        long contentions = EventWorkload.Through(count, "Shop.Ledger.Post");
        long waitedNs = EventWorkload.Through(delay, "Shop.Ledger.Post");
        long acquisitions = run.Truth("acquisitions");
        _output.WriteLine($"{acquisitions} acquisitions, {contentions} contentions, {waitedNs / 1e6:0} ms waited");

        // Three threads take turns holding the lock ~0.5 ms. A thread that finds it taken spins first and only waits
        // (a contention) when spinning fails; a wait lasts at least about one hold, and no more than the run.
        Assert.InRange(contentions, acquisitions / 100, acquisitions);
        Assert.InRange(waitedNs / (double)contentions, 100_000, 100_000_000);
        Assert.True(waitedNs < 3 * 5e9, $"{waitedNs / 1e6:0} ms waited by three threads in five seconds");
        Assert.True(contentions > 0.9 * count.Sum(p => p.Samples.Sum(s => s.Value)), "contentions outside Shop.Ledger.Post");
        Assert.All(count.Concat(delay), p => Assert.Equal(1, p.Period));
        Assert.All(count.SelectMany(p => p.Samples), s => Assert.True(s.HasAttribute("thread.id")));
    }

    [Fact]
    public async Task Exceptions_are_counted_per_throwing_stack_with_their_type()
    {
        EventWorkload run = await EventWorkload.RunAsync("throw", 4, "exception");

        long thrown = run.Truth("count");
        var exceptions = run.OfType("exceptions/count", "exceptions/count");
        var declined = exceptions.SelectMany(p => p.Samples)
            .Where(s => s.GetAttribute("exception.type") == "Shop.PaymentDeclinedException")
            .ToList();
        _output.WriteLine($"thrown {thrown}, counted {declined.Sum(s => s.Value)}");

        // Exceptions are not sampled: every one thrown while profiling is counted, at the method that threw it.
        Assert.Equal(thrown, declined.Sum(s => s.Value));
        Assert.All(declined, s => Assert.Equal("Shop.Payments.Authorize", s.Leaf));
        Assert.All(declined, s => Assert.Contains(s.Frames, f => f.Name == "Shop.Payments.Checkout"));
    }
}
