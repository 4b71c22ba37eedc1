using System.Text;
using System.Text.Json;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Web;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// Writes a single self-contained HTML file: the same flame graph script and style as the web UI, inlined, with the
/// trees embedded as JSON. It opens from disk in any browser with no server and no network.
/// </summary>
internal static partial class HtmlFlameGraphWriter
{
    /// <summary>Writes <paramref name="views"/> (one selectable flame graph each) to <paramref name="output"/>.</summary>
    public static void Write(IReadOnlyList<FlameView> views, string title, Stream output)
    {
        var template = EmbeddedAssets.ReadText("static.html");
        var parts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{{TITLE}}"] = System.Net.WebUtility.HtmlEncode(title),
            ["/*{{STYLE}}*/"] = EmbeddedAssets.ReadText("flamegraph.css"),
            ["/*{{SCRIPT}}*/"] = EmbeddedAssets.ReadText("flamegraph.js"),
            ["/*{{DATA}}*/"] = DataJson(views, title),
        };

        // One pass over the template: a title that happens to contain "/*{{DATA}}*/" stays text and is not filled in.
        var html = Placeholders().Replace(template, match => parts[match.Value]);
        var bytes = Encoding.UTF8.GetBytes(html);
        output.Write(bytes);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{TITLE\}\}|/\*\{\{(?:STYLE|SCRIPT|DATA)\}\}\*/")]
    private static partial System.Text.RegularExpressions.Regex Placeholders();

    private static string DataJson(IReadOnlyList<FlameView> views, string title)
    {
        using var buffer = new MemoryStream();
        // The default encoder escapes '<', '>' and '&', so names like "List<T>" cannot close the script element.
        using (var json = new Utf8JsonWriter(buffer, FlameGraphJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            json.WriteStartArray("views");
            foreach (var view in views)
            {
                json.WriteStartObject();
                json.WriteString("title", view.Title);
                json.WriteString("profileType", view.ProfileType);
                json.WriteString("unit", ProfileTypeNames.UnitOf(view.ProfileType));
                json.WriteBoolean("diff", view.IsDiff);
                json.WritePropertyName("tree");
                FlameGraphJson.WriteTree(json, view.Root, view.IsDiff);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
