using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Health;
using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Sampler;
using OtelProfiles.ProfileSources.Signals;
using OtelProfiles.Symbols;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Tests.Health;

/// <summary>
/// <c>otelprofiles.samples</c> per profile type, counted from requests the real builder makes out of every family's
/// interval profiles, as each family declares its samples.
/// </summary>
public sealed class ExportedSampleCounterTests
{
    private static readonly DateTime Start = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_counted_types_are_the_metric_attribute_values()
    {
        // The attribute values so far stay what dashboards query (a new type may add its own).
        Assert.Equal(["cpu", "wall", "alloc", "lock", "exception"], ExportedSampleCounter.TypeNames.Take(5));
        Assert.DoesNotContain("inuse", ExportedSampleCounter.TypeNames);
    }

    [Fact]
    public void Counts_each_type_from_its_profile_and_not_in_use_memory()
    {
        SampleTable samples = Samples();
        ExportProfilesServiceRequest request = Build(samples, SamplerSource.Cpu, wall: true);
        var totals = new long[ExportedSampleCounter.TypeNames.Count];

        ExportedSampleCounter.AddTo(request, samples, totals);

        // cpu: samples taken while running managed code (not the profile's nanoseconds); wall: every sample;
        // alloc: estimated objects (2.4 + 1.0, rounded), not bytes; lock: contentions, not the delay; exceptions.
        AssertTotals([10, 30, 3, 5, 4], totals);

        ExportedSampleCounter.AddTo(request, samples, totals);
        AssertTotals([20, 60, 6, 10, 8], totals);
    }

    [Fact]
    public void CPU_samples_count_only_when_the_request_holds_the_CPU_profile()
    {
        SampleTable samples = Samples();
        var totals = new long[ExportedSampleCounter.TypeNames.Count];

        ExportedSampleCounter.AddTo(Build(samples, cpu: null, wall: true), samples, totals);
        AssertTotals([0, 30, 3, 5, 4], totals);

        ExportedSampleCounter.AddTo(Build(samples, SamplerSource.Cpu, wall: false), samples, totals);
        AssertTotals([10, 30, 6, 10, 8], totals);
    }

    [Fact]
    public void CPU_samples_count_in_either_CPU_sample_type()
    {
        SampleTable samples = Samples();
        var totals = new long[ExportedSampleCounter.TypeNames.Count];

        // samples/count of a 1 ns cpu period: its values are nanoseconds too, and the wall profile's labels but
        // for the period type.
        ExportedSampleCounter.AddTo(Build(samples, SamplerSource.CpuAsSamples, wall: false), samples, totals);

        AssertTotals([10, 0, 3, 5, 4], totals);
    }

    /// <summary>cpu, wall, alloc, lock and exception as expected; any other type counted nothing here.</summary>
    private static void AssertTotals(long[] expected, long[] totals)
    {
        Assert.Equal(expected, totals.Take(expected.Length));
        Assert.All(totals.Skip(expected.Length), t => Assert.Equal(0, t));
    }

    /// <summary>10 samples running managed code and 20 waiting, on two threads.</summary>
    private static SampleTable Samples()
    {
        var table = new SampleTable();
        for (int i = 0; i < 10; i++)
        {
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true);
            table.Record([0x2010, 0x3010], 8, runningManagedCode: false);
            table.Record([0x3010], 8, runningManagedCode: false);
        }

        return table;
    }

    private static ExportProfilesServiceRequest Build(SampleTable samples, ProfileTypeDescriptor? cpu, bool wall)
    {
        var map = new MethodAddressMap();
        map.Add(0x2000, 0x100, 2, "Shop.Inventory", "BuildCatalog", "Shop.dll");
        map.Add(0x3000, 0x100, 3, "Shop.Program", "Main", "Shop.dll");
        var builder = new ExportRequestBuilder(
            new FrameResolver(map, () => NativeImageMap.Empty), new ThreadNames().Find, new InstrumentationScope { Name = "OtelProfiles", Version = "1" });

        var types = new LabelTable();
        var allocations = new EventSampleTable();
        allocations.Add([0x2010, 0x3010], 7, types.ForName("System.Byte[]"), 2.4, 4096.6);
        allocations.Add([0x3010], 7, types.ForName("System.String"), 1.0, 100.0);
        var inUse = new EventSampleTable();
        inUse.Add([0x2010, 0x3010], 0, types.ForName("System.Byte[]"), 40.0, 3000.0);
        var contention = new EventSampleTable();
        contention.Add([0x3010], 8, 0, 5, 1_250_000.4);
        var exceptionTypes = new LabelTable();
        var exceptions = new EventSampleTable();
        exceptions.Add([0x2010, 0x3010], 9, exceptionTypes.ForName("System.InvalidOperationException"), 3, 0);
        exceptions.Add([0x3010], 9, exceptionTypes.ForName("System.TimeoutException"), 1, 0);

        var interval = new IntervalSamples(samples, Start, Start.AddSeconds(10), 1_000_000);
        IIntervalProfiles[] parts =
        [
            new SampledIntervalProfiles(interval, cpu, wall),
            new MemoryIntervalProfiles(allocations, inUse, types, BackgroundGC: false),
            new SignalIntervalProfiles(contention, exceptions, exceptionTypes),
        ];
        return builder.Build(interval, new ProtoResource(), parts).Request;
    }
}
