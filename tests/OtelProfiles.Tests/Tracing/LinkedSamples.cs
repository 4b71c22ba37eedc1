using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tests.Tracing;

/// <summary>A sample read back with its link: profile type, frames (innermost first), string attributes, span.</summary>
internal sealed record LinkedSample(
    string PeriodType, IReadOnlyList<string> Frames, IReadOnlyDictionary<string, string> Attributes, string? TraceId, string? SpanId, long Value)
{
    public long ThreadId => long.Parse(Attributes["thread.id"], System.Globalization.CultureInfo.InvariantCulture);

    public bool Through(string function) => Frames.Contains(function);

    /// <summary>Every sample of every profile in <paramref name="requests"/>.</summary>
    public static List<LinkedSample> Read(IEnumerable<ExportProfilesServiceRequest> requests)
    {
        var result = new List<LinkedSample>();
        foreach (ExportProfilesServiceRequest request in requests)
        {
            ProfilesDictionary d = request.Dictionary;
            Assert.Empty(d.LinkTable[0].TraceId);
            Assert.Empty(d.LinkTable[0].SpanId);
            foreach (Profile profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
            {
                string periodType = d.StringTable[profile.PeriodType.TypeStrindex];
                foreach (Sample sample in profile.Samples)
                {
                    var frames = d.StackTable[sample.StackIndex].LocationIndices
                        .Select(l => d.StringTable[d.FunctionTable[d.LocationTable[l].Lines[0].FunctionIndex].NameStrindex])
                        .ToList();
                    var attributes = sample.AttributeIndices.Select(a => d.AttributeTable[a]).ToDictionary(
                        a => d.StringTable[a.KeyStrindex],
                        a => a.Value.ValueCase == AnyValue.ValueOneofCase.IntValue
                            ? a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            : a.Value.StringValue);
                    Link? link = sample.LinkIndex == 0 ? null : d.LinkTable[sample.LinkIndex];
                    result.Add(new LinkedSample(
                        periodType,
                        frames,
                        attributes,
                        link is null ? null : Convert.ToHexStringLower(link.TraceId.Span),
                        link is null ? null : Convert.ToHexStringLower(link.SpanId.Span),
                        sample.Values[0]));
                }
            }
        }

        return result;
    }
}
