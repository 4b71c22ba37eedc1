using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>Merges samples into a flame tree (root "all", then frames root to leaf) and diff trees.</summary>
internal static class FlameTreeBuilder
{
    /// <summary>The name of the synthetic root node.</summary>
    public const string RootName = "all";

    /// <summary>
    /// Builds the tree of all samples of <paramref name="profiles"/> that pass <paramref name="filter"/>; snapshots of
    /// a gauge type (in-use memory) are averaged or reduced to the newest, never added (<see cref="GaugeAggregation"/>).
    /// </summary>
    public static FlameNode Build(IEnumerable<DecodedProfile> profiles, SampleFilter? filter = null, GaugeMode gauge = GaugeMode.Average)
    {
        var root = new FlameNode(RootName);
        foreach (var profile in GaugeAggregation.Combine(profiles, gauge))
        {
            Add(root, profile.Samples, filter ?? SampleFilter.None, baseline: false);
        }

        return root;
    }

    /// <summary>
    /// Builds one tree holding both sides: <see cref="FlameNode.BaseTotal"/>/<see cref="FlameNode.BaseSelf"/> from
    /// <paramref name="baseline"/>, <see cref="FlameNode.Total"/>/<see cref="FlameNode.Self"/> from <paramref name="comparison"/>.
    /// Each side's gauge snapshots are combined on their own: the average (or newest) of the baseline range against
    /// that of the comparison range.
    /// </summary>
    public static FlameNode BuildDiff(
        IEnumerable<DecodedProfile> baseline, IEnumerable<DecodedProfile> comparison, SampleFilter? baseFilter = null, SampleFilter? filter = null, GaugeMode gauge = GaugeMode.Average)
    {
        var root = new FlameNode(RootName);
        foreach (var profile in GaugeAggregation.Combine(baseline, gauge))
        {
            Add(root, profile.Samples, baseFilter ?? SampleFilter.None, baseline: true);
        }

        foreach (var profile in GaugeAggregation.Combine(comparison, gauge))
        {
            Add(root, profile.Samples, filter ?? SampleFilter.None, baseline: false);
        }

        return root;
    }

    private static void Add(FlameNode root, IEnumerable<DecodedSample> samples, SampleFilter filter, bool baseline)
    {
        foreach (var sample in samples)
        {
            if (sample.Value == 0 || (!filter.IsEmpty && !filter.Matches(sample)))
            {
                continue;
            }

            var node = root;
            AddValue(node, sample.Value, baseline);
            foreach (var frame in sample.Frames)
            {
                node = node.Child(frame.Name);
                AddValue(node, sample.Value, baseline);
            }

            if (baseline)
            {
                node.BaseSelf += sample.Value;
            }
            else
            {
                node.Self += sample.Value;
            }
        }
    }

    private static void AddValue(FlameNode node, long value, bool baseline)
    {
        if (baseline)
        {
            node.BaseTotal += value;
        }
        else
        {
            node.Total += value;
        }
    }
}
