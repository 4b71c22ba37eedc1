using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Signals;
using OtelProfiles.Symbols;
using OtelProfiles.Tests.Integration;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Tests.Building;

public sealed class EventProfilesBuilderTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private const ulong Runtime = 0x55d0c0a00010;   // inside libcoreclr.so
    private const ulong Dispatch = 0x5010;          // System.Runtime.EH.DispatchEx
    private const ulong Catalog = 0x2010;           // Shop.Inventory.BuildCatalog
    private const ulong Main = 0x3010;              // Shop.Program.Main

    private static ExportRequestBuilder Builder()
    {
        var map = new MethodAddressMap();
        map.Add(0x2000, 0x100, 2, "Shop.Inventory", "BuildCatalog", "Shop.dll");
        map.Add(0x3000, 0x100, 3, "Shop.Program", "Main", "Shop.dll");
        map.Add(0x5000, 0x100, 5, "System.Runtime.EH", "DispatchEx", "System.Private.CoreLib.dll");
        NativeImageMap images = NativeImageMap.Parse(
            ["55d0c0a00000-55d0c0a20000 r-xp 00000000 fe:00 1234 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so"]);
        return new ExportRequestBuilder(new FrameResolver(map, () => images), new ThreadNames().Find, new InstrumentationScope { Name = "OtelProfiles", Version = "1" });
    }

    [Fact]
    public void Each_event_profile_has_its_pyroscope_friendly_types_period_and_attributes()
    {
        var types = new LabelTable();
        var exceptionTypes = new LabelTable();
        var allocations = new EventSampleTable();
        allocations.Add([Runtime, Catalog, Main], 7, types.ForName("System.Byte[]"), 2.4, 4096.6);
        allocations.Add([Runtime, Runtime, Catalog, Main], 7, types.ForName("System.Byte[]"), 1.0, 100.0); // same frames once trimmed
        var inUse = new EventSampleTable();
        inUse.Add([Catalog, Main], 0, types.ForName("System.Byte[]"), 3.0, 3000.0);
        var contention = new EventSampleTable();
        contention.Add([Runtime, Main], 8, 0, 5, 1_250_000.4);
        var exceptions = new EventSampleTable();
        exceptions.Add([Dispatch, Catalog, Main], 9, exceptionTypes.ForName("System.InvalidOperationException"), 3, 0);
        IIntervalProfiles[] parts =
        [
            new MemoryIntervalProfiles(allocations, inUse, types, BackgroundGC: false),
            new SignalIntervalProfiles(contention, exceptions, exceptionTypes),
        ];

        var (request, _) = Builder().Build(new IntervalSamples(new SampleTable(), Start, Start.AddSeconds(15), 1_000_000), new ProtoResource(), parts);

        ProfileInvariants.AssertValid(request);
        var profiles = OtlpDecoder.Decode(request).ToDictionary(p => p.SampleType);
        Assert.Equal(
            ["alloc_objects/count", "alloc_space/bytes", "contentions/count", "delay/nanoseconds", "exceptions/count", "inuse_objects/count", "inuse_space/bytes"],
            profiles.Keys.Order().ToList());
        Assert.All(["alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"], t => Assert.Equal("memory/bytes", profiles[t].PeriodType));
        Assert.All(["alloc_objects/count", "inuse_space/bytes"], t => Assert.Equal(102_400, profiles[t].Period));
        Assert.All(["contentions/count", "delay/nanoseconds"], t => Assert.Equal(("mutex/count", 1L), (profiles[t].PeriodType, profiles[t].Period)));
        Assert.Equal(("exceptions/count", 1L), (profiles["exceptions/count"].PeriodType, profiles["exceptions/count"].Period));
        Assert.All(profiles.Values, p => Assert.Equal(15_000_000_000L, p.DurationNano));

        // Rows that name the same frames merge; fractional estimates are summed, then rounded.
        DecodedSample allocated = Assert.Single(profiles["alloc_space/bytes"].Samples);
        Assert.Equal(4197, allocated.Value);
        Assert.Equal(3, Assert.Single(profiles["alloc_objects/count"].Samples).Value);
        Assert.Equal(["Shop.Program.Main", "Shop.Inventory.BuildCatalog"], allocated.Frames.Select(f => f.Name));
        Assert.Equal("System.Byte[]", allocated.GetAttribute("dotnet.allocation.type"));
        Assert.Equal("7", allocated.GetAttribute("thread.id"));

        // In-use samples carry no thread: the objects outlive the moment they were allocated.
        DecodedSample live = Assert.Single(profiles["inuse_space/bytes"].Samples);
        Assert.Equal(3000, live.Value);
        Assert.False(live.HasAttribute("thread.id"));

        // Lock waits start at the contending managed frame; exceptions at the throwing one, with their type.
        Assert.Equal("Shop.Program.Main", Assert.Single(profiles["contentions/count"].Samples).Leaf);
        Assert.Equal(1_250_000, Assert.Single(profiles["delay/nanoseconds"].Samples).Value);
        DecodedSample thrown = Assert.Single(profiles["exceptions/count"].Samples);
        Assert.Equal(("Shop.Inventory.BuildCatalog", 3L), (thrown.Leaf, thrown.Value));
        Assert.Equal("System.InvalidOperationException", thrown.GetAttribute("exception.type"));

        Assert.Equal("AllocationSampled", ProfileAttribute(request, "alloc_space", "dotnet.allocation.sampler"));
        Assert.Equal("off", ProfileAttribute(request, "inuse_space", "dotnet.gc.background"));
    }

    [Fact]
    public void Profiles_of_types_that_were_off_are_not_built()
    {
        IIntervalProfiles[] parts =
        [
            new MemoryIntervalProfiles(null, null, new LabelTable(), BackgroundGC: true),
            new SignalIntervalProfiles(null, new EventSampleTable(), new LabelTable()),
        ];
        var (request, _) = Builder().Build(new IntervalSamples(new SampleTable(), Start, Start.AddSeconds(1), 1_000_000), new ProtoResource(), parts);

        ProfileInvariants.AssertValid(request);
        DecodedProfile only = Assert.Single(OtlpDecoder.Decode(request));
        Assert.Equal("exceptions/count", only.SampleType);
        Assert.Empty(only.Samples);
    }

    private static string? ProfileAttribute(OpenTelemetry.Proto.Collector.Profiles.V1Development.ExportProfilesServiceRequest request, string sampleType, string key) =>
        OtlpDecoder.Decode(request).Single(p => ProfileTypeNames.TypeOf(p.SampleType) == sampleType).GetAttribute(key);
}
