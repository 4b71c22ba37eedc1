using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>One row of the top-functions table.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Self">Value of samples where the function was the leaf.</param>
/// <param name="Total">Value of samples where the function was anywhere on the stack (counted once per sample, even when recursive).</param>
internal sealed record FunctionTotals(string Name, long Self, long Total);

/// <summary>Computes per-function self and total values.</summary>
internal static class TopFunctions
{
    /// <summary>All functions, ordered by self value (then total, then name); gauge snapshots combined by <paramref name="gauge"/>.</summary>
    public static IReadOnlyList<FunctionTotals> Compute(IEnumerable<DecodedProfile> profiles, SampleFilter? filter = null, GaugeMode gauge = GaugeMode.Average)
    {
        var self = new Dictionary<string, long>(StringComparer.Ordinal);
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        filter ??= SampleFilter.None;
        foreach (var sample in GaugeAggregation.Combine(profiles, gauge).SelectMany(p => p.Samples))
        {
            if (sample.Frames.Count == 0 || (!filter.IsEmpty && !filter.Matches(sample)))
            {
                continue;
            }

            seen.Clear();
            foreach (var frame in sample.Frames)
            {
                if (seen.Add(frame.Name))
                {
                    total[frame.Name] = total.GetValueOrDefault(frame.Name) + sample.Value;
                }
            }

            var leaf = sample.Frames[^1].Name;
            self[leaf] = self.GetValueOrDefault(leaf) + sample.Value;
        }

        return total
            .Select(kv => new FunctionTotals(kv.Key, self.GetValueOrDefault(kv.Key), kv.Value))
            .OrderByDescending(f => f.Self)
            .ThenByDescending(f => f.Total)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }
}
