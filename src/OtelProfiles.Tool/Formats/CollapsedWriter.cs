using System.Globalization;
using System.Text;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// Writes collapsed stacks ("root;caller;leaf value" per line), the input of Brendan Gregg's flamegraph.pl and of
/// many other viewers. Identical stacks are merged; ';' inside a name becomes ':' and the line ends with one space
/// and the value, which is where flamegraph.pl splits.
/// </summary>
internal static class CollapsedWriter
{
    /// <summary>Writes <paramref name="profiles"/> (one profile type) to <paramref name="output"/>; in-use snapshots combined, not added.</summary>
    public static void Write(IEnumerable<DecodedProfile> profiles, TextWriter output, GaugeMode gauge = GaugeMode.Average)
    {
        var stacks = new Dictionary<string, long>(StringComparer.Ordinal);
        var order = new List<string>();
        var line = new StringBuilder();
        foreach (var sample in GaugeAggregation.Combine(profiles, gauge).SelectMany(p => p.Samples))
        {
            if (sample.Frames.Count == 0 || sample.Value == 0)
            {
                continue;
            }

            line.Clear();
            foreach (var frame in sample.Frames)
            {
                if (line.Length > 0)
                {
                    line.Append(';');
                }

                line.Append(Sanitize(frame.Name));
            }

            var key = line.ToString();
            if (!stacks.TryGetValue(key, out var value))
            {
                order.Add(key);
            }

            stacks[key] = value + sample.Value;
        }

        foreach (var key in order)
        {
            output.Write(key);
            output.Write(' ');
            output.Write(stacks[key].ToString(CultureInfo.InvariantCulture));
            output.Write('\n');
        }
    }

    private static string Sanitize(string name) => name.Replace(';', ':').Replace('\n', ' ').Replace('\r', ' ');
}
