using System.Globalization;
using System.Net;
using System.Text;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// Renders a static SVG flame graph (root on top, like the web UI), with a tooltip per frame. Useful where HTML with
/// script is not welcome: issue comments, wikis, documents.
/// </summary>
internal static class SvgFlameGraphWriter
{
    private const double Width = 1200, RowHeight = 18, Top = 34, MinWidth = 0.3;

    /// <summary>Writes <paramref name="view"/> as an SVG document.</summary>
    public static void Write(FlameView view, TextWriter output)
    {
        var root = view.Root;
        var scale = view.IsDiff ? (double)root.Total + root.BaseTotal : root.Total;
        var rows = new StringBuilder();
        var maxDepth = 0;
        if (scale > 0)
        {
            Draw(rows, root, view, 0, Width, 0, scale, ref maxDepth);
        }

        var height = Top + ((maxDepth + 1) * RowHeight) + 10;
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"Verdana, sans-serif\" font-size=\"11\">\n"));
        output.Write("<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>\n");
        output.Write(string.Create(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(view.Title)}</text>\n"));
        output.Write(rows.ToString());
        output.Write("</svg>\n");
    }

    private static void Draw(StringBuilder svg, FlameNode node, FlameView view, double x, double width, int depth, double scale, ref int maxDepth)
    {
        if (width < MinWidth)
        {
            return;
        }

        maxDepth = Math.Max(maxDepth, depth);
        var y = Top + (depth * RowHeight);
        var tooltip = Tooltip(node, view);
        var fill = view.IsDiff ? DiffColor(node, view.Root) : NameColor(node.Name);
        svg.Append(CultureInfo.InvariantCulture,
            $"<g><title>{Escape(tooltip)}</title><rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{RowHeight - 1}\" fill=\"{fill}\" rx=\"2\"/>");
        var chars = (int)((width - 6) / 7);
        if (chars >= 3)
        {
            var label = node.Name.Length <= chars ? node.Name : node.Name[..(chars - 2)] + "..";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 3:0.##}\" y=\"{y + 12.5:0.##}\">{Escape(label)}</text>");
        }

        svg.Append("</g>\n");
        var childX = x;
        foreach (var child in node.Children.OrderByDescending(c => c.Total + c.BaseTotal).ThenBy(c => c.Name, StringComparer.Ordinal))
        {
            var childWidth = Width * (view.IsDiff ? child.Total + child.BaseTotal : child.Total) / scale;
            Draw(svg, child, view, childX, childWidth, depth + 1, scale, ref maxDepth);
            childX += childWidth;
        }
    }

    private static string Tooltip(FlameNode node, FlameView view)
    {
        var unit = ProfileTypeNames.UnitOf(view.ProfileType);
        if (!view.IsDiff)
        {
            var pct = view.Root.Total == 0 ? 0 : 100.0 * node.Total / view.Root.Total;
            return string.Create(CultureInfo.InvariantCulture, $"{node.Name}\ntotal {node.Total} {unit} ({pct:0.##}%), self {node.Self} {unit}");
        }

        var basePct = view.Root.BaseTotal == 0 ? 0 : 100.0 * node.BaseTotal / view.Root.BaseTotal;
        var newPct = view.Root.Total == 0 ? 0 : 100.0 * node.Total / view.Root.Total;
        return string.Create(CultureInfo.InvariantCulture,
            $"{node.Name}\nbaseline {node.BaseTotal} {unit} ({basePct:0.##}%), comparison {node.Total} {unit} ({newPct:0.##}%), change {newPct - basePct:+0.##;-0.##;0} points");
    }

    /// <summary>A stable warm color per name, so the same function keeps its color across graphs.</summary>
    internal static string NameColor(string name)
    {
        uint hash = 2166136261;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        var r = 205 + (int)(hash % 50);
        var g = 80 + (int)((hash >> 8) % 120);
        var b = 40 + (int)((hash >> 16) % 40);
        return $"rgb({r},{g},{b})";
    }

    /// <summary>Red when the node's share grew, green when it shrank, grey when unchanged.</summary>
    internal static string DiffColor(FlameNode node, FlameNode root)
    {
        var basePct = root.BaseTotal == 0 ? 0 : (double)node.BaseTotal / root.BaseTotal;
        var newPct = root.Total == 0 ? 0 : (double)node.Total / root.Total;
        var delta = Math.Clamp((newPct - basePct) * 4, -1, 1);
        var strength = (int)(Math.Abs(delta) * 160);
        return delta >= 0
            ? $"rgb(230,{225 - strength},{225 - strength})"
            : $"rgb({225 - strength},230,{225 - strength})";
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
