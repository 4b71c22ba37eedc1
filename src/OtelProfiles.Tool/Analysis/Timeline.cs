using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>The total of one profile type per time bucket.</summary>
/// <param name="FromUnixNano">Start of the first bucket (a multiple of <paramref name="BucketNanos"/>).</param>
/// <param name="BucketNanos">Width of every bucket.</param>
/// <param name="Values">One value per bucket; null where no profile ends in the bucket (no data, not zero).</param>
/// <param name="RangeFromUnixNano">The requested (or, when open, the stored) range start.</param>
/// <param name="RangeToUnixNano">The requested (or stored) range end.</param>
internal sealed record TimelineSeries(long FromUnixNano, long BucketNanos, IReadOnlyList<double?> Values, long RangeFromUnixNano, long RangeToUnixNano);

/// <summary>
/// Buckets profiles by time for the UI's timeline. A profile counts in the bucket that holds its end, the moment its
/// values were read. Counting types (CPU, allocations, ...) add up within a bucket; gauges (in-use memory) follow
/// <see cref="GaugeAggregation"/> within a bucket: per instance the average or newest snapshot, instances added.
/// </summary>
internal static class Timeline
{
    private const long Second = 1_000_000_000L;

    // Range ends are clamped to [0, 2^62] ns (beyond the year 2100 by far), so no difference below can overflow.
    private const long MaxInstant = 1L << 62;

    // Bucket widths a person reads at a glance; past a day, whole days.
    private static readonly long[] NiceWidths =
    [
        1 * Second, 2 * Second, 5 * Second, 10 * Second, 15 * Second, 30 * Second,
        60 * Second, 120 * Second, 300 * Second, 600 * Second, 900 * Second, 1800 * Second,
        3600 * Second, 7200 * Second, 10800 * Second, 21600 * Second, 43200 * Second, 86400 * Second,
    ];

    /// <summary>
    /// Buckets <paramref name="profiles"/> (one service and type) over [from, to] (open ends: the profiles' own span)
    /// into about <paramref name="targetBuckets"/> buckets, never narrower than the typical profile, so a 60 s
    /// export interval does not show as one bar and five gaps.
    /// </summary>
    public static TimelineSeries Build(IReadOnlyList<DecodedProfile> profiles, SampleFilter filter, long? fromUnixNano, long? toUnixNano, int targetBuckets, GaugeMode gauge)
    {
        targetBuckets = Math.Clamp(targetBuckets, 1, 1000);
        var from = Math.Clamp(fromUnixNano ?? (profiles.Count == 0 ? 0 : profiles.Min(p => p.StartUnixNano)), 0, MaxInstant);
        var to = Math.Clamp(toUnixNano ?? (profiles.Count == 0 ? 0 : profiles.Max(p => p.EndUnixNano)), 0, MaxInstant);
        if (to <= from)
        {
            to = from + Second;
        }

        var width = NiceWidth(Math.Max((to - from) / targetBuckets, TypicalDuration(profiles)));
        var origin = FloorTo(from, width);
        var span = to - origin;
        var count = (int)Math.Min(targetBuckets * 4L, (span / width) + (span % width == 0 ? 0 : 1));
        count = Math.Max(1, count);

        var values = new double?[count];
        var isGauge = profiles.Count > 0 && GaugeAggregation.IsGauge(profiles[0].ProfileType);

        // Gauges: bucket -> instance -> snapshot end -> total.
        var snapshots = new Dictionary<int, Dictionary<string, SortedDictionary<long, long>>>();
        foreach (var profile in profiles)
        {
            var bucket = (int)Math.Clamp((Math.Clamp(profile.EndUnixNano, 0, MaxInstant) - origin) / width, 0, count - 1);
            long total = 0;
            foreach (var sample in profile.Samples)
            {
                if (filter.IsEmpty || filter.Matches(sample))
                {
                    total += sample.Value;
                }
            }

            if (!isGauge)
            {
                values[bucket] = (values[bucket] ?? 0) + total;
                continue;
            }

            if (!snapshots.TryGetValue(bucket, out var instances))
            {
                instances = new Dictionary<string, SortedDictionary<long, long>>(StringComparer.Ordinal);
                snapshots[bucket] = instances;
            }

            var instance = GaugeAggregation.InstanceKey(profile);
            if (!instances.TryGetValue(instance, out var byEnd))
            {
                byEnd = new SortedDictionary<long, long>();
                instances[instance] = byEnd;
            }

            byEnd[profile.EndUnixNano] = byEnd.GetValueOrDefault(profile.EndUnixNano) + total;
        }

        foreach (var (bucket, instances) in snapshots)
        {
            values[bucket] = instances.Values.Sum(byEnd => gauge == GaugeMode.Latest ? byEnd.Values.Last() : byEnd.Values.Average());
        }

        return new TimelineSeries(origin, width, values, from, to);
    }

    /// <summary>The median profile duration (0 without profiles).</summary>
    private static long TypicalDuration(IReadOnlyList<DecodedProfile> profiles)
    {
        if (profiles.Count == 0)
        {
            return 0;
        }

        var durations = profiles.Select(p => Math.Clamp(p.EndUnixNano - p.StartUnixNano, 0, MaxInstant)).Order().ToList();
        return durations[durations.Count / 2];
    }

    private static long NiceWidth(long atLeast)
    {
        foreach (var width in NiceWidths)
        {
            if (width >= atLeast)
            {
                return width;
            }
        }

        var day = NiceWidths[^1];
        return (atLeast + day - 1) / day * day;
    }

    private static long FloorTo(long value, long step) => value / step * step;
}
