using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>The requests of issue 19 that small bytes turn into large costs.</summary>
internal static class HostilePayloads
{
    /// <summary>
    /// A valid request whose resource has an attribute nested <paramref name="messageLevels"/> protobuf messages deep
    /// (AnyValue inside ArrayValue inside AnyValue...) around one string of <paramref name="stringBytes"/>.
    /// </summary>
    public static byte[] NestedAttribute(int messageLevels, int stringBytes, string service = "nested")
    {
        var request = KnownProfiles.Build(service: service).Build();
        var value = new AnyValue { StringValue = new string('x', stringBytes) };

        // resource_profiles > resource > attributes > value is 4 levels; each AnyValue-in-ArrayValue adds 2.
        for (var level = 4; level + 2 <= messageLevels; level += 2)
        {
            var outer = new AnyValue { ArrayValue = new ArrayValue() };
            outer.ArrayValue.Values.Add(value);
            value = outer;
        }

        request.ResourceProfiles[0].Resource.Attributes.Add(new KeyValue { Key = "deep", Value = value });
        return request.ToByteArray();
    }

    /// <summary>A request with one sample on a stack of <paramref name="frames"/> distinct frames (root first).</summary>
    public static OtlpRequestBuilder DeepStack(int frames, string service = "deep")
    {
        var builder = new OtlpRequestBuilder();
        var stack = Enumerable.Range(0, frames).Select(i => $"Deep.Frame{i}").ToArray();
        builder.AddProfile(service, "samples", "count", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromSeconds(15)).Sample(7, stack);
        return builder;
    }

    /// <summary>
    /// One location holding <paramref name="inlinedLines"/> inlined lines, and a sample whose stack repeats that
    /// location <paramref name="repeats"/> times: a small request that expands to lines x repeats frames.
    /// </summary>
    public static ExportProfilesServiceRequest InlinedRepeats(int inlinedLines, int repeats, int stacks = 1, string service = "inlined")
    {
        var request = KnownProfiles.Build(service: service).Build();
        var dictionary = request.Dictionary;
        var location = new Location();
        for (var i = 0; i < inlinedLines; i++)
        {
            dictionary.StringTable.Add($"Inlined.Function{i}");
            dictionary.FunctionTable.Add(new Function { NameStrindex = dictionary.StringTable.Count - 1 });
            location.Lines.Add(new Line { FunctionIndex = dictionary.FunctionTable.Count - 1, Line_ = i });
        }

        dictionary.LocationTable.Add(location);
        var locationIndex = dictionary.LocationTable.Count - 1;
        var profile = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        for (var s = 0; s < stacks; s++)
        {
            var stack = new Stack();
            for (var r = 0; r < repeats; r++)
            {
                stack.LocationIndices.Add(locationIndex);
            }

            dictionary.StackTable.Add(stack);
            var sample = new Sample { StackIndex = dictionary.StackTable.Count - 1 };
            sample.Values.Add(1);
            profile.Samples.Add(sample);
        }

        return request;
    }
}
