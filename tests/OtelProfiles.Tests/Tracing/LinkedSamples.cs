using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Tracing;

/// <summary>A sample read back with its link: period type, frames (innermost first), string attributes, span.</summary>
internal sealed record LinkedSample(
    string PeriodType, IReadOnlyList<string> Frames, IReadOnlyDictionary<string, string> Attributes, string? TraceId, string? SpanId, long Value)
{
    // The decoder reports a sample's link as these two attributes.
    private const string TraceIdKey = "trace_id";
    private const string SpanIdKey = "span_id";

    public long ThreadId => long.Parse(Attributes["thread.id"], System.Globalization.CultureInfo.InvariantCulture);

    public bool Through(string function) => Frames.Contains(function);

    /// <summary>
    /// Every sample of every profile in <paramref name="requests"/>, each request checked by the strict validator (link
    /// index 0 the empty link among its rules) and decoded by <see cref="OtlpDecoder"/>.
    /// </summary>
    public static List<LinkedSample> Read(IEnumerable<ExportProfilesServiceRequest> requests)
    {
        var result = new List<LinkedSample>();
        var checkedRequests = requests.ToList();
        checkedRequests.ForEach(ProfileInvariants.AssertValid);
        foreach (var profile in checkedRequests.SelectMany(OtlpDecoder.Decode))
        {
            // The period type's name alone ("cpu", "wall"): the type part of "cpu/nanoseconds".
            string periodType = profile.PeriodType is null ? "" : profile.PeriodType[..profile.PeriodType.LastIndexOf('/')];
            foreach (var sample in profile.Samples)
            {
                result.Add(new LinkedSample(
                    periodType,
                    sample.Frames.Reverse().Select(f => f.Name).ToList(),
                    sample.Attributes.Where(a => a.Key is not (TraceIdKey or SpanIdKey)).ToDictionary(a => a.Key, a => a.Value),
                    sample.GetAttribute(TraceIdKey),
                    sample.GetAttribute(SpanIdKey),
                    sample.Value));
            }
        }

        return result;
    }
}
