using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.ProfileSources.Sampler;
using OtelProfiles.Symbols;
using OtelProfiles.Tests.Integration;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Tests.Building;

public sealed class ExportRequestBuilderTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private static (MethodAddressMap Map, ExportRequestBuilder Builder) Create(
        Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? tags = null)
    {
        var map = new MethodAddressMap();
        map.Add(0x1000, 0x100, 1, "Shop.Checkout+<PayAsync>d__4", "MoveNext", "Shop.dll");
        map.Add(0x2000, 0x100, 2, "Shop.Checkout", "ComputePrices", "Shop.dll");
        map.Add(0x3000, 0x100, 3, "System.Threading.Thread", "StartCallback", "System.Private.CoreLib.dll");
        map.Add(0x4000, 0x100, 4, "System.Threading.Thread", "<PollGC>g__PollGCWorker|67_0", "System.Private.CoreLib.dll");
        map.Add(0x5000, 0x100, 5, "System.Threading.Thread", "Sleep", "System.Private.CoreLib.dll");
        map.Add(0x6000, 0x100, 6, "System.Threading.PortableThreadPool+WorkerThread", "WorkerThreadStart", "System.Private.CoreLib.dll");
        map.Add(0x7000, 0x100, 7, "System.Threading.LowLevelSpinWaiter", "Wait", "System.Private.CoreLib.dll");
        map.Add(0x8000, 0x100, 8, "System.Threading.ThreadPoolWorkQueue", "Dispatch", "System.Private.CoreLib.dll");
        var builder = new ExportRequestBuilder(
            new FrameResolver(map, () => NativeImageMap.Empty), new ThreadNames().Find, new InstrumentationScope { Name = "OtelProfiles", Version = "1" }, tags);
        return (map, builder);
    }

    /// <summary>The request of an interval whose only source is the sampler, with the CPU and wall profiles asked for.</summary>
    private static (OpenTelemetry.Proto.Collector.Profiles.V1Development.ExportProfilesServiceRequest Request, BuildStatistics Statistics) Build(
        ExportRequestBuilder builder, IntervalSamples interval, bool cpu, bool wall) =>
        builder.Build(interval, Resource(), [new SampledIntervalProfiles(interval, cpu ? SamplerSource.Cpu : null, wall)]);

    private static ProtoResource Resource()
    {
        var resource = new ProtoResource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "shop" } });
        return resource;
    }

    [Fact]
    public void Builds_one_cpu_and_one_wall_profile_sharing_a_valid_dictionary()
    {
        var table = new SampleTable();
        for (int i = 0; i < 30; i++)
        {
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true);
            table.Record([0x1010, 0x3010], 8, runningManagedCode: i < 10);
            table.Record([0x9999, 0x3010], 9, runningManagedCode: false); // unresolvable leaf
        }

        var (_, builder) = Create();
        var (request, statistics) = Build(builder, new IntervalSamples(table, Start, Start.AddSeconds(3), 1_000_000), cpu: true, wall: true);

        ProfileInvariants.AssertValid(request);
        var profiles = OtlpDecoder.Decode(request);
        DecodedProfile cpu = profiles.Single(p => p.PeriodType == "cpu/nanoseconds");
        DecodedProfile wall = profiles.Single(p => p.PeriodType == "wall/nanoseconds");
        Assert.Equal(40 * 100_000_000L, cpu.Samples.Sum(s => s.Value)); // a table not ended by the recorder: managed samples × period
        Assert.Equal(90, wall.Samples.Sum(s => s.Value));
        Assert.Equal(100_000_000, cpu.Period); // 3 s over 30 ticks
        Assert.Equal(3_000_000_000L, cpu.DurationNano);
        Assert.Equal(30 * 100_000_000L, new[] { cpu }.SelfByFunction().Single(p => p.Key == "Shop.Checkout.ComputePrices").Value);
        Assert.Equal(10 * 100_000_000L, new[] { cpu }.SelfByFunction().Single(p => p.Key == "Shop.Checkout.PayAsync").Value);
        Assert.Contains(wall.Samples, s => s.Leaf == FrameResolver.UnknownFrame);
        Assert.All(cpu.Samples, s => Assert.Equal("System.Threading.Thread.StartCallback", s.Frames[0].Name)); // the root
        Assert.Equal(180, statistics.Frames);
        Assert.Equal(150, statistics.NamedFrames);
        Assert.Equal("shop", request.ResourceProfiles[0].Resource.Attributes[0].Value.StringValue);
        Assert.Equal("dotnet", request.Dictionary.AttributeTable[request.Dictionary.LocationTable[1].AttributeIndices[0]].Value.StringValue);
    }

    [Fact]
    public void Cpu_as_samples_carries_the_same_nanoseconds_as_counts_of_a_one_nanosecond_period()
    {
        var table = new SampleTable();
        for (int i = 0; i < 30; i++)
        {
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true);
            table.Record([0x1010, 0x3010], 8, runningManagedCode: i < 10);
        }

        var interval = new IntervalSamples(table, Start, Start.AddSeconds(3), 1_000_000);
        DecodedProfile Cpu(ProfileTypeDescriptor type) =>
            Assert.Single(OtlpDecoder.Decode(Create().Builder.Build(interval, Resource(), [new SampledIntervalProfiles(interval, type, Wall: false)]).Request));

        DecodedProfile nanoseconds = Cpu(SamplerSource.Cpu);
        DecodedProfile samples = Cpu(SamplerSource.CpuAsSamples);

        Assert.Equal("samples/count", samples.SampleType);
        Assert.Equal("cpu/nanoseconds", samples.PeriodType);
        Assert.Equal(1, samples.Period);
        Assert.Equal(
            nanoseconds.Samples.Select(s => (s.Leaf, s.Value)).OrderBy(s => s.Leaf),
            samples.Samples.Select(s => (s.Leaf, s.Value * samples.Period)).OrderBy(s => s.Leaf));

        // What Grafana Pyroscope's OTLP ingestion (pkg/ingester/otlp/convert.go) names each: only samples/count with a
        // cpu/nanoseconds period becomes its standard process_cpu series; anything else is named after its period type.
        Assert.Equal("cpu:cpu:nanoseconds:cpu:nanoseconds", PyroscopeProfileType(nanoseconds));
        Assert.Equal("process_cpu:cpu:nanoseconds:cpu:nanoseconds", PyroscopeProfileType(samples));
    }

    private static string PyroscopeProfileType(DecodedProfile profile)
    {
        string periodType = profile.PeriodType ?? "";
        string period = periodType.Replace('/', ':');
        return profile.SampleType == "samples/count" && periodType == "cpu/nanoseconds"
            ? "process_cpu:cpu:nanoseconds:" + period
            : $"{periodType.Split('/')[0]}:{profile.SampleType.Replace('/', ':')}:{period}";
    }

    /// <summary>The value of <paramref name="profile"/>'s samples of thread <paramref name="thread"/> whose innermost frame is <paramref name="leaf"/>.</summary>
    private static long ValueAt(DecodedProfile profile, long thread, string leaf) => profile.Samples
        .Where(s => s.GetAttribute("thread.id") == thread.ToString(System.Globalization.CultureInfo.InvariantCulture) && s.Leaf == leaf)
        .Sum(s => s.Value);

    [Fact]
    public void A_threads_cpu_at_blocking_waits_goes_to_its_other_stacks_unless_it_has_none()
    {
        var table = new SampleTable();
        for (int i = 0; i < 3; i++)
        {
            table.Record([0x5010, 0x3010], 7, runningManagedCode: true); // caught in Thread.Sleep as it woke
            table.Record([0x5010, 0x3010], 9, runningManagedCode: true);
        }

        table.Record([0x2010, 0x3010], 7, runningManagedCode: true);
        table.Record([0x1010, 0x3010], 7, runningManagedCode: true);
        table.ChargeCpu(_ => (1_000, 0));

        var (_, builder) = Create();
        var (request, _) = Build(builder, new IntervalSamples(table, Start, Start.AddSeconds(1), 1_000_000), cpu: true, wall: true);
        var profiles = OtlpDecoder.Decode(request);
        DecodedProfile cpu = profiles.Single(p => p.PeriodType == "cpu/nanoseconds");
        long CpuOf(long thread, string leaf) => ValueAt(cpu, thread, leaf);

        // Thread 7 used 5,000 ns; none of it stays at the sleep, its two working stacks share it as their samples do.
        Assert.Equal(0, CpuOf(7, "System.Threading.Thread.Sleep"));
        Assert.Equal(2_500, CpuOf(7, "Shop.Checkout.ComputePrices"));
        Assert.Equal(2_500, CpuOf(7, "Shop.Checkout.PayAsync"));

        // Thread 9 was only ever found sleeping: its CPU stays where it was found.
        Assert.Equal(3_000, CpuOf(9, "System.Threading.Thread.Sleep"));

        // The wall profile is not touched.
        DecodedProfile wall = profiles.Single(p => p.PeriodType == "wall/nanoseconds");
        Assert.Equal(6, wall.Samples.Where(s => s.Leaf == "System.Threading.Thread.Sleep").Sum(s => s.Value));
    }

    [Fact]
    public void A_workers_cpu_between_work_items_goes_to_its_work_items()
    {
        var table = new SampleTable();
        for (int i = 0; i < 3; i++)
        {
            table.Record([0x7010, 0x6010, 0x3010], 7, runningManagedCode: true); // spinning for work
            table.Record([0x6010, 0x3010], 7, runningManagedCode: true); // in the worker's loop
        }

        table.Record([0x2010, 0x8010, 0x6010, 0x3010], 7, runningManagedCode: true); // a work item
        table.Record([0x8010, 0x6010, 0x3010], 7, runningManagedCode: true); // dispatching: not a wait
        table.Record([0x7010, 0x6010, 0x3010], 9, runningManagedCode: true); // an idle worker, no items
        table.ChargeCpu(_ => (1_000, 0));

        var (_, builder) = Create();
        var (request, _) = Build(builder, new IntervalSamples(table, Start, Start.AddSeconds(1), 1_000_000), cpu: true, wall: false);
        DecodedProfile cpu = Assert.Single(OtlpDecoder.Decode(request));
        long CpuOf(long thread, string leaf) => ValueAt(cpu, thread, leaf);

        // Thread 7 used 8,000 ns: none stays between items, the item and the dispatch share it as their samples do.
        Assert.Equal(0, CpuOf(7, "System.Threading.LowLevelSpinWaiter.Wait"));
        Assert.Equal(0, CpuOf(7, "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart"));
        Assert.Equal(4_000, CpuOf(7, "Shop.Checkout.ComputePrices"));
        Assert.Equal(4_000, CpuOf(7, "System.Threading.ThreadPoolWorkQueue.Dispatch"));

        // Thread 9 did nothing but wait for work: its CPU stays there.
        Assert.Equal(1_000, CpuOf(9, "System.Threading.LowLevelSpinWaiter.Wait"));
    }

    [Fact]
    public void Drops_the_gc_poll_frame_the_sampler_itself_causes()
    {
        var table = new SampleTable();
        table.Record([0x4010, 0x2010, 0x3010], 7, runningManagedCode: true);

        var (_, builder) = Create();
        var (request, _) = Build(builder, new IntervalSamples(table, Start, Start.AddSeconds(1), 1_000_000), cpu: true, wall: false);

        DecodedSample sample = Assert.Single(Assert.Single(OtlpDecoder.Decode(request)).Samples);
        Assert.Equal(["System.Threading.Thread.StartCallback", "Shop.Checkout.ComputePrices"], sample.Frames.Select(f => f.Name));
    }

    [Fact]
    public void Innermost_tagged_frame_wins_and_tags_become_sample_attributes()
    {
        var table = new SampleTable();
        table.Record([0x2010, 0x1010, 0x3010], 7, runningManagedCode: true);
        table.Record([0x1010, 0x3010], 7, runningManagedCode: true);
        table.Record([0x3010], 7, runningManagedCode: true);

        var (_, builder) = Create(symbol => symbol.MethodId switch
        {
            1 => [new("shop.stage", "payment"), new("shop.team", "payments")],
            2 => [new("shop.stage", "pricing")],
            _ => null,
        });
        var (request, _) = Build(builder, new IntervalSamples(table, Start, Start.AddSeconds(1), 1_000_000), cpu: true, wall: false);

        var samples = Assert.Single(OtlpDecoder.Decode(request)).Samples;
        DecodedSample pricing = samples.Single(s => s.Leaf == "Shop.Checkout.ComputePrices");
        Assert.Equal("pricing", pricing.GetAttribute("shop.stage"));
        Assert.Equal("payments", pricing.GetAttribute("shop.team"));
        DecodedSample payment = samples.Single(s => s.Leaf == "Shop.Checkout.PayAsync");
        Assert.Equal("payment", payment.GetAttribute("shop.stage"));
        DecodedSample untagged = samples.Single(s => s.Leaf == "System.Threading.Thread.StartCallback");
        Assert.False(untagged.HasAttribute("shop.stage"));
        Assert.Equal("7", untagged.GetAttribute("thread.id"));
    }
}
