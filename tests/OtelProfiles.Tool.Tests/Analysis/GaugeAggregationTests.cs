using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Analysis;

/// <summary>Issue 21: in-use snapshots over a range are averaged or the latest, per instance, never summed; the timeline buckets.</summary>
public class GaugeAggregationTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<DecodedProfile> Decode(OtlpRequestBuilder builder, string? instance = null)
    {
        var request = builder.Build();
        if (instance is not null)
        {
            request.ResourceProfiles[0].Resource.Attributes.Add(new KeyValue { Key = "service.instance.id", Value = new AnyValue { StringValue = instance } });
        }

        return OtlpDecoder.Decode(request);
    }

    private static List<DecodedProfile> Snapshots(string? instance, params long[] leakBytes) =>
        leakBytes.SelectMany((leak, i) => Decode(InUseProfiles.Snapshot(T0.AddMinutes(i), 50_000_000, leak), instance)).ToList();

    private static long InUseTotal(IEnumerable<DecodedProfile> profiles) =>
        FlameTreeBuilder.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type)).Total;

    [Fact]
    public void Snapshots_of_one_instance_are_averaged_or_the_latest_and_counts_still_add_up()
    {
        var profiles = Snapshots(null, 23_000_000, 24_000_000, 25_000_000);

        Assert.Equal(74_000_000, InUseTotal(profiles));
        Assert.Equal(75_000_000, FlameTreeBuilder.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type), gauge: GaugeMode.Latest).Total);
        Assert.Equal(30, FlameTreeBuilder.Build(profiles.Where(p => p.ProfileType == "cpu:samples/count")).Total);

        var top = TopFunctions.Compute(profiles.Where(p => p.ProfileType == InUseProfiles.Type));
        Assert.Equal((InUseProfiles.SteadyFunction, 50_000_000L), (top[0].Name, top[0].Self));
        Assert.Equal((InUseProfiles.LeakFunction, 24_000_000L), (top[1].Name, top[1].Self));

        // Per stack: the leak's frame in the averaged tree holds the mean of its three values.
        var tree = FlameTreeBuilder.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type));
        Assert.Equal(24_000_000, tree.Find("Program.Main")!.Find("Leaky.Handler.Invoke")!.Find(InUseProfiles.LeakFunction)!.Total);
    }

    [Fact]
    public void Instances_are_added_and_combining_twice_changes_nothing()
    {
        var podA = Snapshots("pod-a", 10_000_000, 20_000_000);       // average 65 MB, latest 70 MB
        var podB = Snapshots("pod-b", 0, 0, 30_000_000);             // average 60 MB, latest 80 MB
        var all = podA.Concat(podB).ToList();

        Assert.Equal(125_000_000, InUseTotal(all));
        Assert.Equal(150_000_000, FlameTreeBuilder.Build(all.Where(p => p.ProfileType == InUseProfiles.Type), gauge: GaugeMode.Latest).Total);

        var once = GaugeAggregation.Combine(all, GaugeMode.Average);
        var twice = GaugeAggregation.Combine(once, GaugeMode.Average);
        Assert.Equal(InUseTotal(once), InUseTotal(twice));
        Assert.Equal(2, once.Count(p => p.ProfileType == InUseProfiles.Type));
        Assert.Equal(5, once.Count(p => p.ProfileType == "cpu:samples/count"));
    }

    [Fact]
    public void Diff_sides_are_combined_separately()
    {
        var baseline = Snapshots(null, 10_000_000, 12_000_000).Where(p => p.ProfileType == InUseProfiles.Type);
        var comparison = Snapshots(null, 40_000_000).Where(p => p.ProfileType == InUseProfiles.Type);
        var diff = FlameTreeBuilder.BuildDiff(baseline, comparison);
        Assert.Equal(61_000_000, diff.BaseTotal);
        Assert.Equal(90_000_000, diff.Total);
    }

    [Theory]
    [InlineData("memory:inuse_space/bytes", true)]
    [InlineData("memory:inuse_objects/count", true)]
    [InlineData("memory:alloc_space/bytes", false)]
    [InlineData("cpu:samples/count", false)]
    public void Only_in_use_types_are_gauges(string type, bool gauge) => Assert.Equal(gauge, GaugeAggregation.IsGauge(type));

    [Fact]
    public void Timeline_adds_counts_per_bucket_and_averages_snapshots_never_narrower_than_a_profile()
    {
        // Six one-minute exports; asked for 30 buckets over 6 minutes, the buckets are still one minute wide.
        var profiles = Snapshots(null, 1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000);
        var from = T0.ToUnixTimeMilliseconds() * 1_000_000;
        var to = T0.AddMinutes(7).ToUnixTimeMilliseconds() * 1_000_000;
        var inUse = Timeline.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type).ToList(), SampleFilter.None, from, to, 30, GaugeMode.Average);
        Assert.Equal(60_000_000_000L, inUse.BucketNanos);
        Assert.Equal(from, inUse.FromUnixNano);
        Assert.Equal(7, inUse.Values.Count);
        Assert.Null(inUse.Values[0]); // the first export ends at T0 + 1 min
        Assert.Equal([51e6, 52e6, 53e6, 54e6, 55e6, 56e6], inUse.Values.Skip(1).Select(v => v!.Value));

        // Five minutes per bucket: counts add up, snapshots are averaged (or the latest is taken).
        var tenMinutes = T0.AddMinutes(10).ToUnixTimeMilliseconds() * 1_000_000;
        var wide = Timeline.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type).ToList(), SampleFilter.None, from, tenMinutes, 2, GaugeMode.Average);
        Assert.Equal(300_000_000_000L, wide.BucketNanos);
        Assert.Equal([52.5e6, 55.5e6], wide.Values.Select(v => v!.Value));
        var latest = Timeline.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type).ToList(), SampleFilter.None, from, tenMinutes, 2, GaugeMode.Latest);
        Assert.Equal([54e6, 56e6], latest.Values.Select(v => v!.Value));
        var cpu = Timeline.Build(profiles.Where(p => p.ProfileType == "cpu:samples/count").ToList(), SampleFilter.None, from, tenMinutes, 2, GaugeMode.Average);
        Assert.Equal([40d, 20], cpu.Values.Select(v => v!.Value));

        // Filters apply per sample.
        var filtered = Timeline.Build(profiles.Where(p => p.ProfileType == InUseProfiles.Type).ToList(), new SampleFilter(["thread.name=worker-1"]), from, to, 30, GaugeMode.Average);
        Assert.Equal(6e6, filtered.Values[^1]);
    }
}
