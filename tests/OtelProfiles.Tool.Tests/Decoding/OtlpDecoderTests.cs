using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Decoding;

public class OtlpDecoderTests
{
    [Fact]
    public void Decodes_service_type_time_frames_root_first_values_and_attributes()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var profiles = OtlpDecoder.Decode(KnownProfiles.Build(start).Build());

        Assert.Equal(2, profiles.Count);
        var cpu = profiles[0];
        Assert.Equal("shop", cpu.ServiceName);
        Assert.Equal("cpu:samples/count", cpu.ProfileType);
        Assert.Equal("cpu/nanoseconds", cpu.PeriodType);
        Assert.Equal(10_000_000, cpu.Period);
        Assert.Equal(1_700_000_000L * 1_000_000_000, cpu.StartUnixNano);
        Assert.Equal(cpu.StartUnixNano + 15_000_000_000, cpu.EndUnixNano);
        Assert.Equal("OtelProfiles", cpu.ScopeName);
        Assert.Equal("test-host", cpu.ResourceAttributes["host.name"]);
        Assert.Equal(100, cpu.TotalValue);

        var first = cpu.Samples[0];
        Assert.Equal(KnownProfiles.HotStack, first.Frames.Select(f => f.Name));
        Assert.Equal("Shop.dll", first.Frames[^1].FileName);
        Assert.Equal(40, first.Value);
        Assert.Equal("worker-1", first.GetAttribute("thread.name"));
        Assert.Equal(KnownProfiles.TraceId, first.GetAttribute("trace_id"));
        Assert.Equal(KnownProfiles.SpanId, first.GetAttribute("span_id"));
        Assert.Null(cpu.Samples[1].GetAttribute("trace_id"));

        Assert.Equal("wall/nanoseconds", profiles[1].ProfileType);
        Assert.Equal(700_000_000, profiles[1].TotalValue);
    }

    [Fact]
    public void Decodes_what_the_library_tests_read_sample_type_duration_profile_attributes_system_names_and_leaf()
    {
        var request = KnownProfiles.Build().Build();
        var d = request.Dictionary;
        d.StringTable.Add("dotnet.sampling.ticks");
        d.AttributeTable.Add(new KeyValueAndUnit { KeyStrindex = d.StringTable.Count - 1, Value = new OpenTelemetry.Proto.Common.V1.AnyValue { IntValue = 1500 } });
        request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].AttributeIndices.Add(d.AttributeTable.Count - 1);
        d.StringTable.Add("Shop.Checkout+<PayAsync>d__4.MoveNext");
        var payAsync = d.FunctionTable.First(f => d.StringTable[f.NameStrindex] == KnownProfiles.AsyncFunction);
        payAsync.SystemNameStrindex = d.StringTable.Count - 1;

        var profiles = OtlpDecoder.Decode(request);

        var cpu = profiles[0];
        Assert.Equal("samples/count", cpu.SampleType);
        Assert.Equal("cpu:samples/count", cpu.ProfileType);
        Assert.Equal(15_000_000_000, cpu.DurationNano);
        Assert.Equal("1500", cpu.GetAttribute("dotnet.sampling.ticks"));
        Assert.Null(profiles[1].GetAttribute("dotnet.sampling.ticks"));
        var frames = cpu.Samples[0].Frames;
        Assert.Equal("Shop.Checkout+<PayAsync>d__4.MoveNext", frames.Single(f => f.Name == KnownProfiles.AsyncFunction).SystemName);
        Assert.Equal(KnownProfiles.HotFunction, frames[^1].SystemName);
        Assert.Equal(KnownProfiles.HotFunction, cpu.Samples[0].Leaf);
        Assert.True(cpu.Samples[0].HasAttribute("thread.id"));
        Assert.False(cpu.Samples[0].HasAttribute("no.such.key"));
    }

    [Fact]
    public void Inlined_lines_expand_innermost_last_and_timestamps_only_samples_count_events()
    {
        var request = KnownProfiles.Build().Build();
        var d = request.Dictionary;
        // A location with two lines: lines[0] is the inlined callee, lines[1] its caller.
        d.StringTable.Add("Inner.Callee");
        d.StringTable.Add("Outer.Caller");
        d.FunctionTable.Add(new Function { NameStrindex = d.StringTable.Count - 2 });
        d.FunctionTable.Add(new Function { NameStrindex = d.StringTable.Count - 1 });
        var location = new Location();
        location.Lines.Add(new Line { FunctionIndex = d.FunctionTable.Count - 2, Line_ = 7 });
        location.Lines.Add(new Line { FunctionIndex = d.FunctionTable.Count - 1, Line_ = 42 });
        d.LocationTable.Add(location);
        var stack = new Stack();
        stack.LocationIndices.Add(d.LocationTable.Count - 1);
        d.StackTable.Add(stack);
        var sample = new Sample { StackIndex = d.StackTable.Count - 1 };
        sample.TimestampsUnixNano.Add([1UL, 2UL, 3UL]);
        request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples.Add(sample);

        Assert.Empty(OtlpRequestValidator.Validate(request));
        var decoded = OtlpDecoder.Decode(request)[0].Samples[^1];
        Assert.Equal(["Outer.Caller", "Inner.Callee"], decoded.Frames.Select(f => f.Name));
        Assert.Equal(42, decoded.Frames[0].Line);
        Assert.Equal(3, decoded.Value);
        Assert.Equal(3, decoded.TimestampsUnixNano.Count);
    }

    [Fact]
    public void Cpu_and_wall_profiles_that_share_samples_count_stay_apart_by_period_type()
    {
        // The library's shape: both types are (samples, count); the period type says cpu or wall.
        var builder = new OtlpRequestBuilder();
        var at = DateTimeOffset.UtcNow;
        builder.AddProfile("shop", "samples", "count", at, TimeSpan.FromSeconds(15), "cpu", "nanoseconds").Sample(3, KnownProfiles.HotStack);
        builder.AddProfile("shop", "samples", "count", at, TimeSpan.FromSeconds(15), "wall", "nanoseconds").Sample(5, KnownProfiles.HotStack);
        var profiles = OtlpDecoder.Decode(builder.Build());
        Assert.Equal(["cpu:samples/count", "wall:samples/count"], profiles.Select(p => p.ProfileType));
        Assert.Equal("count", profiles[1].Unit);
        Assert.Equal("samples", ProfileTypeNames.TypeOf(profiles[1].ProfileType));
    }

    [Fact]
    public void Counts_of_a_one_nanosecond_cpu_period_are_the_cpu_nanoseconds_profile()
    {
        var request = KnownProfiles.Build().Build();
        Profile cpu = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        long total = OtlpDecoder.Decode(request)[0].TotalValue;

        cpu.Period = 1; // OTEL_PROFILES_CPU_SAMPLE_TYPE=samples: one count per nanosecond of CPU
        var decoded = OtlpDecoder.Decode(request)[0];

        Assert.Equal("cpu/nanoseconds", decoded.ProfileType);
        Assert.Equal(total, decoded.TotalValue);
    }

    [Fact]
    public void Missing_service_name_becomes_unknown_service()
    {
        var request = KnownProfiles.Build().Build();
        request.ResourceProfiles[0].Resource.Attributes.Clear();
        Assert.All(OtlpDecoder.Decode(request), p => Assert.Equal("unknown_service", p.ServiceName));
    }

    [Fact]
    public void Flame_tree_and_top_functions_count_recursion_once()
    {
        var profiles = OtlpDecoder.Decode(KnownProfiles.Build().Build()).Where(p => p.ProfileType == "cpu:samples/count").ToList();
        var tree = FlameTreeBuilder.Build(profiles);
        Assert.Equal(100, tree.Total);
        var main = tree.Find("Program.Main")!;
        Assert.Equal(100, main.Total);
        var hot = main.Find("Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke")!.Find(KnownProfiles.AsyncFunction)!.Find(KnownProfiles.HotFunction)!;
        Assert.Equal(60, hot.Total);
        Assert.Equal(60, hot.Self);

        var top = TopFunctions.Compute(profiles);
        Assert.Equal(KnownProfiles.HotFunction, top[0].Name);
        var walk = top.Single(t => t.Name == "Shop.Tree.Walk");
        Assert.Equal(10, walk.Total); // three frames deep, counted once
        Assert.Equal(10, walk.Self);

        var filtered = FlameTreeBuilder.Build(profiles, new SampleFilter(["thread.name=worker-1"]));
        Assert.Equal(50, filtered.Total);
        var byTrace = FlameTreeBuilder.Build(profiles, new SampleFilter([$"trace_id={KnownProfiles.TraceId}"]));
        Assert.Equal(40, byTrace.Total);
    }
}
