using System.Text.Json;
using OtelProfiles.Otlp;
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

        // An explicit stack instead of recursion: the depth of a tree comes from the data, and the thread's stack
        // must not be what limits it.
        var pending = new Stack<(List<FlameNode> Children, int Next)>();
        Open(json, root, diff, minTotal, minBase, pending);
        while (pending.Count > 0)
        {
            var (children, next) = pending.Pop();
            if (next == children.Count)
            {
                json.WriteEndArray();
                json.WriteEndObject();
                continue;
            }

            pending.Push((children, next + 1));
            Open(json, children[next], diff, minTotal, minBase, pending);
        }
    }

    /// <summary>Writes the node's fields; closes it when it has no children to write, else opens "c" and queues them.</summary>
    private static void Open(Utf8JsonWriter json, FlameNode node, bool diff, long minTotal, long minBase, Stack<(List<FlameNode> Children, int Next)> pending)
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

        var children = node.Children
            .Where(c => c.Total > minTotal || (diff && c.BaseTotal > minBase))
            .OrderByDescending(c => c.Total + c.BaseTotal)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        if (children.Count == 0)
        {
            json.WriteEndObject();
            return;
        }

        json.WriteStartArray("c");
        pending.Push((children, 0));
    }

    /// <summary>
    /// Writer options for trees: compact, HTML-safe escaping, deep nesting allowed. Each tree level is two JSON levels
    /// (the node and its "c" array); stacks are cut at 1,024 frames on decoding (StackLimits.MaxStackFrames),
    /// so trees stay well inside this depth.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Indented = false, MaxDepth = 4 * StackLimits.MaxStackFrames + 64 };
}
