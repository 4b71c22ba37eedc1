using System.Text.Json;
using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// The JSON shape of a flame tree shared by the web UI's API and the static HTML file:
/// <c>{"n": name, "v": total, "s": self, "b": base total, "bs": base self, "c": [children]}</c> with short keys because
/// a real profile has tens of thousands of nodes. Nodes too small to ever be drawn are pruned.
/// </summary>
internal static class FlameGraphJson
{
    /// <summary>Nodes below this fraction of the root (on both sides of a diff) are left out.</summary>
    public const double DefaultMinFraction = 1e-5;

    /// <summary>Writes <paramref name="root"/> as the value of the current JSON property or array slot.</summary>
    public static void WriteTree(Utf8JsonWriter json, FlameNode root, bool diff, double minFraction = DefaultMinFraction)
    {
        var minTotal = (long)Math.Floor(root.Total * minFraction);
        var minBase = (long)Math.Floor(root.BaseTotal * minFraction);
        WriteNode(json, root, diff, minTotal, minBase, 0);
    }

    private static void WriteNode(Utf8JsonWriter json, FlameNode node, bool diff, long minTotal, long minBase, int depth)
    {
        json.WriteStartObject();
        json.WriteString("n", node.Name);
        json.WriteNumber("v", node.Total);
        json.WriteNumber("s", node.Self);
        if (diff)
        {
            json.WriteNumber("b", node.BaseTotal);
            json.WriteNumber("bs", node.BaseSelf);
        }

        // Deep recursion is bounded by real stack depths (a few hundred frames); System.Text.Json's own depth limit
        // (1000 by default) is raised by the callers.
        var children = node.Children
            .Where(c => c.Total > minTotal || (diff && c.BaseTotal > minBase))
            .OrderByDescending(c => c.Total + c.BaseTotal)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        if (children.Count > 0)
        {
            json.WriteStartArray("c");
            foreach (var child in children)
            {
                WriteNode(json, child, diff, minTotal, minBase, depth + 1);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>Writer options for trees: compact, HTML-safe escaping, deep nesting allowed.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Indented = false, MaxDepth = 4096 };
}
