using System.Diagnostics;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.ProfileSources.Sampler;
using OtelProfiles.Symbols;
using OtelProfiles.Tests.Integration;
using OtelProfiles.Tracing;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// The builder turns each row's span and tags into a link, a <c>span_name</c> attribute and tag attributes, and
/// merges samples by {stack, attributes, link}.
/// </summary>
public sealed class SpanLinkBuilderTests
{
    private static readonly DateTime Start = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Rows_become_samples_linked_to_their_span_named_by_the_local_root_and_merged_by_stack_attributes_and_link()
    {
        using var root = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        root.SetIdFormat(ActivityIdFormat.W3C);
        root.Start();
        root.SetTag("http.request.method", "GET");
        root.SetTag("http.route", "/checkout/{id}");
        using var child = new Activity("db query").Start();
        child.Stop();
        root.Stop();

        ProfileTagSet gold = ProfileTagSet.With(null, "tenant.tier", "gold");
        ProfileTagSet sameContent = ProfileTagSet.With(null, "tenant.tier", "gold");
        var table = new SampleTable();
        for (int i = 0; i < 5; i++)
        {
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true, new SampleContext(child, gold));
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true, new SampleContext(child, sameContent));
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true, new SampleContext(root, null));
            table.Record([0x2010, 0x3010], 7, runningManagedCode: true);
        }

        ExportProfilesServiceRequest request = Build(table);

        ProfileInvariants.AssertValid(request);
        Assert.Equal(3, request.Dictionary.LinkTable.Count); // the empty link, the child, the root
        List<LinkedSample> samples = LinkedSample.Read([request]);
        Assert.Equal(3, samples.Count);

        // Values are CPU nanoseconds, the same per sample here: the child's row holds 10 samples, the others 5 each.
        LinkedSample inChild = samples.Single(s => s.SpanId == child.SpanId.ToHexString());
        LinkedSample inRoot = samples.Single(s => s.SpanId == root.SpanId.ToHexString());
        LinkedSample outside = samples.Single(s => s.SpanId is null);
        Assert.True(inRoot.Value > 0);
        Assert.Equal(2 * inRoot.Value, inChild.Value); // two tag sets with the same content merge
        Assert.Equal(child.TraceId.ToHexString(), inChild.TraceId);
        Assert.Equal("GET /checkout/{id}", inChild.Attributes[ExportRequestBuilder.SpanNameAttribute]);
        Assert.Equal("gold", inChild.Attributes["tenant.tier"]);

        Assert.Equal("GET /checkout/{id}", inRoot.Attributes[ExportRequestBuilder.SpanNameAttribute]);
        Assert.False(inRoot.Attributes.ContainsKey("tenant.tier"));

        Assert.Equal(inRoot.Value, outside.Value);
        Assert.False(outside.Attributes.ContainsKey(ExportRequestBuilder.SpanNameAttribute));
    }

    [Fact]
    public void A_span_without_a_route_is_named_by_its_display_name_and_a_frame_tag_wins_over_a_request_tag()
    {
        using var span = new Activity("nightly-report");
        span.SetIdFormat(ActivityIdFormat.W3C);
        span.Start();
        span.Stop();
        var table = new SampleTable();
        table.Record([0x2010, 0x3010], 7, runningManagedCode: true, new SampleContext(span, ProfileTagSet.With(null, "shop.stage", "request")));

        ExportProfilesServiceRequest request = Build(table, symbol => symbol.MethodId == 2 ? [new("shop.stage", "pricing")] : null);

        LinkedSample sample = Assert.Single(LinkedSample.Read([request]));
        Assert.Equal("nightly-report", sample.Attributes[ExportRequestBuilder.SpanNameAttribute]);
        Assert.Equal("pricing", sample.Attributes["shop.stage"]);
    }

    private static ExportProfilesServiceRequest Build(SampleTable table, Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? tags = null)
    {
        var map = new MethodAddressMap();
        map.Add(0x2000, 0x100, 2, "Shop.Checkout", "ComputePrices", "Shop.dll");
        map.Add(0x3000, 0x100, 3, "System.Threading.Thread", "StartCallback", "System.Private.CoreLib.dll");
        var builder = new ExportRequestBuilder(
            new FrameResolver(map, () => NativeImageMap.Empty), new ThreadNames().Find, new InstrumentationScope { Name = "OtelProfiles", Version = "1" }, tags);
        var interval = new IntervalSamples(table, Start, Start.AddSeconds(1), 1_000_000);
        return builder.Build(interval, new ProtoResource(), [new SampledIntervalProfiles(interval, SamplerSource.Cpu, Wall: false)]).Request;
    }
}
