using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>How a gauge profile type is summarized over a time range that holds several of its snapshots.</summary>
internal enum GaugeMode
{
    /// <summary>The average of the snapshots (per stack), the default: it describes the whole range.</summary>
    Average,

    /// <summary>The newest snapshot: what is alive at the end of the range.</summary>
    Latest,
}

/// <summary>
/// Gauges are not sums. A CPU or allocation profile counts what happened during its interval, so the profiles of
/// a range add up. An in-use memory profile (<c>inuse_space</c>, <c>inuse_objects</c>) is a snapshot of what is
/// alive when it was taken: three snapshots of a 75 MB live set are 75 MB, not 225 MB. Every place that merges the
/// profiles of several intervals (flame graphs, diffs, top, timeline, pprof/speedscope/collapsed output) goes
/// through <see cref="Combine"/>, which replaces the snapshots of each sending instance by their average or by the
/// newest one, and adds up instances (two pods with 75 MB each hold 150 MB).
/// </summary>
internal static class GaugeAggregation
{
    /// <summary>The name used on the command line and in the API.</summary>
    public static string Name(GaugeMode mode) => mode == GaugeMode.Latest ? "latest" : "average";

    /// <summary>Parses "average" or "latest"; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static GaugeMode Parse(string? text, string what) => text switch
    {
        null or "" or "average" => GaugeMode.Average,
        "latest" => GaugeMode.Latest,
        _ => throw new ArgumentException($"{what} must be 'average' or 'latest', got '{text}'"),
    };

    /// <summary>True for profile types whose values are snapshots of a level (in-use memory) rather than counts of events.</summary>
    public static bool IsGauge(string profileType) => ProfileTypeNames.TypeOf(profileType).StartsWith("inuse_", StringComparison.Ordinal);

    /// <summary>
    /// The profiles with every gauge type reduced to one snapshot per instance (see the class summary); other types
    /// pass through unchanged. Applying it twice changes nothing.
    /// </summary>
    public static IReadOnlyList<DecodedProfile> Combine(IEnumerable<DecodedProfile> profiles, GaugeMode mode)
    {
        var list = profiles as IReadOnlyList<DecodedProfile> ?? profiles.ToList();
        if (!list.Any(p => IsGauge(p.ProfileType)))
        {
            return list;
        }

        var result = list.Where(p => !IsGauge(p.ProfileType)).ToList();
        foreach (var series in list.Where(p => IsGauge(p.ProfileType)).GroupBy(p => (Instance: InstanceKey(p), p.ProfileType)))
        {
            // Profiles of one instance that end at the same instant are one snapshot (sent in parts).
            var snapshots = series.GroupBy(p => p.EndUnixNano).OrderBy(g => g.Key).ToList();
            if (snapshots.Count == 1 || mode == GaugeMode.Latest)
            {
                result.AddRange(snapshots[^1]);
            }
            else
            {
                result.Add(Average(snapshots));
            }
        }

        return result;
    }

    /// <summary>
    /// Which process sent a profile: <c>service.instance.id</c> when the resource has it, else all resource
    /// attributes (service, host, process...), so that the snapshots of one process are averaged and those of
    /// different processes added.
    /// </summary>
    public static string InstanceKey(DecodedProfile profile)
    {
        if (profile.ResourceAttributes.TryGetValue("service.instance.id", out var id))
        {
            return profile.ServiceName + "\n" + id;
        }

        return profile.ServiceName + "\n" + string.Join("\n", profile.ResourceAttributes
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => a.Key + "=" + a.Value));
    }

    /// <summary>One synthetic snapshot whose value per (stack, attributes) is the mean over the snapshots.</summary>
    private static DecodedProfile Average(List<IGrouping<long, DecodedProfile>> snapshots)
    {
        var sums = new Dictionary<SampleKey, long>();
        var order = new List<SampleKey>();
        foreach (var sample in snapshots.SelectMany(s => s).SelectMany(p => p.Samples))
        {
            var key = new SampleKey(sample.Frames, sample.Attributes);
            if (!sums.TryGetValue(key, out var sum))
            {
                order.Add(key);
            }

            sums[key] = sum + sample.Value;
        }

        var samples = new List<DecodedSample>(order.Count);
        foreach (var key in order)
        {
            var mean = (long)Math.Round((double)sums[key] / snapshots.Count, MidpointRounding.AwayFromZero);
            if (mean != 0)
            {
                samples.Add(new DecodedSample { Frames = key.Frames, Attributes = key.Attributes, Value = mean });
            }
        }

        var newest = snapshots[^1].First();
        return new DecodedProfile
        {
            ServiceName = newest.ServiceName,
            ProfileType = newest.ProfileType,
            PeriodType = newest.PeriodType,
            Period = newest.Period,
            StartUnixNano = snapshots.SelectMany(s => s).Min(p => p.StartUnixNano),
            EndUnixNano = newest.EndUnixNano,
            ScopeName = newest.ScopeName,
            ResourceAttributes = newest.ResourceAttributes,
            Samples = samples,
        };
    }

    /// <summary>A sample's identity for averaging: its stack and its attributes, compared by value.</summary>
    private sealed class SampleKey : IEquatable<SampleKey>
    {
        private readonly int _hash;

        public SampleKey(IReadOnlyList<Frame> frames, IReadOnlyList<SampleAttribute> attributes)
        {
            Frames = frames;
            Attributes = attributes;
            var hash = new HashCode();
            foreach (var frame in frames)
            {
                hash.Add(frame);
            }

            foreach (var attribute in attributes)
            {
                hash.Add(attribute);
            }

            _hash = hash.ToHashCode();
        }

        public IReadOnlyList<Frame> Frames { get; }

        public IReadOnlyList<SampleAttribute> Attributes { get; }

        public bool Equals(SampleKey? other) =>
            other is not null && _hash == other._hash && Frames.SequenceEqual(other.Frames) && Attributes.SequenceEqual(other.Attributes);

        public override bool Equals(object? obj) => Equals(obj as SampleKey);

        public override int GetHashCode() => _hash;
    }
}
