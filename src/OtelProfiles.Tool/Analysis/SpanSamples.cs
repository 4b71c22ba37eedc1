using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// The profile samples linked to one span, and optionally to its descendants: every sample whose link
/// (<c>trace_id</c>, <c>span_id</c>) names one of those spans, from any profile that overlaps them in time. Nothing
/// else: a sample taken during the span on another request's behalf is not in it.
/// </summary>
/// <param name="Span">The span asked for.</param>
/// <param name="Spans">The spans whose samples are included: the span, then its descendants when asked for.</param>
/// <param name="ProfilesByType">Per profile type, the overlapping profiles reduced to their linked samples; types without any linked sample are absent.</param>
internal sealed record SpanSamples(StoredSpan Span, IReadOnlyList<StoredSpan> Spans, IReadOnlyDictionary<string, IReadOnlyList<DecodedProfile>> ProfilesByType)
{
    /// <summary>
    /// How far outside the spans' time range profiles are still read: a profile's own range comes from the profiler's
    /// clock and export boundaries, so one that holds a linked sample may end a little before the span does.
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>The linked samples of span <paramref name="spanId"/> in trace <paramref name="traceId"/> (lowercase hex); null when no such span is stored.</summary>
    public static SpanSamples? Load(ProfileStore store, string traceId, string spanId, bool includeDescendants)
    {
        var span = store.FindSpan(traceId, spanId);
        if (span is null)
        {
            return null;
        }

        var included = includeDescendants ? store.SpanWithDescendants(span) : [span];
        var ids = included.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var slack = Slack.Ticks * 100;
        var from = included.Min(s => s.StartUnixNano);
        var to = included.Max(s => s.EndUnixNano);
        var byType = new Dictionary<string, IReadOnlyList<DecodedProfile>>(StringComparer.Ordinal);
        foreach (var profile in store.ProfilesOverlapping(from > long.MinValue + slack ? from - slack : from, to < long.MaxValue - slack ? to + slack : to))
        {
            var linked = profile.Samples.Where(s => s.GetAttribute("trace_id") == traceId && s.GetAttribute("span_id") is { } id && ids.Contains(id)).ToList();
            if (linked.Count == 0)
            {
                continue;
            }

            if (!byType.TryGetValue(profile.ProfileType, out var list))
            {
                list = new List<DecodedProfile>();
                byType[profile.ProfileType] = list;
            }

            ((List<DecodedProfile>)list).Add(new DecodedProfile
            {
                ServiceName = profile.ServiceName,
                ProfileType = profile.ProfileType,
                PeriodType = profile.PeriodType,
                Period = profile.Period,
                StartUnixNano = profile.StartUnixNano,
                EndUnixNano = profile.EndUnixNano,
                ScopeName = profile.ScopeName,
                ResourceAttributes = profile.ResourceAttributes,
                Samples = linked,
            });
        }

        return new SpanSamples(span, included, byType);
    }

    /// <summary>The profile types that have linked samples, CPU first (see <see cref="ProfileTypeNames.Preferred"/>).</summary>
    public IReadOnlyList<string> ProfileTypes => ProfileTypeNames.Preferred(ProfilesByType.Keys).ToList();

    /// <summary>The sum of the linked samples' values of <paramref name="profileType"/>.</summary>
    public long Total(string profileType) =>
        ProfilesByType.TryGetValue(profileType, out var profiles) ? profiles.Sum(p => p.TotalValue) : 0;
}
