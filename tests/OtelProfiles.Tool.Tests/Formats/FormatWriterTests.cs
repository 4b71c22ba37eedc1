using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Formats;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Formats;

public class FormatWriterTests
{
    private static readonly IReadOnlyList<DecodedProfile> Profiles = OtlpDecoder.Decode(KnownProfiles.Build().Build());

    [Fact]
    public void Speedscope_output_validates_against_the_speedscope_schema_and_keeps_values_and_units()
    {
        using var buffer = new MemoryStream();
        SpeedscopeWriter.Write(Profiles, buffer, "shop");
        var json = JsonNode.Parse(buffer.ToArray())!;

        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "speedscope-file-format-schema.json")));
        var result = schema.Evaluate(JsonDocument.Parse(buffer.ToArray()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));

        var profiles = json["profiles"]!.AsArray();
        Assert.Equal(2, profiles.Count);
        Assert.Equal("none", profiles[0]!["unit"]!.GetValue<string>());
        Assert.Equal("nanoseconds", profiles[1]!["unit"]!.GetValue<string>());
        Assert.Equal(100, profiles[0]!["weights"]!.AsArray().Sum(w => w!.GetValue<long>()));
        Assert.Equal(700_000_000, profiles[1]!["endValue"]!.GetValue<long>());

        // Stacks are root first: the first sample ends with the hot function.
        var frames = json["shared"]!["frames"]!.AsArray();
        var firstStack = profiles[0]!["samples"]![0]!.AsArray().Select(i => frames[i!.GetValue<int>()]!["name"]!.GetValue<string>());
        Assert.Equal(KnownProfiles.HotStack, firstStack);
    }

    [Fact]
    public void Schema_check_is_real_a_broken_document_fails()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "speedscope-file-format-schema.json")));
        var broken = JsonDocument.Parse("""{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[]},"profiles":[{"type":"sampled","name":"x","unit":"parsecs","startValue":0,"endValue":1,"samples":[],"weights":[]}]}""");
        Assert.False(schema.Evaluate(broken.RootElement).IsValid);
    }

    [Fact]
    public void Collapsed_stacks_merge_identical_stacks_and_preserve_totals()
    {
        var writer = new StringWriter();
        CollapsedWriter.Write(Profiles.Where(p => p.ProfileType == "cpu:samples/count"), writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(string.Join(';', KnownProfiles.HotStack) + " 60", lines);
        Assert.Equal(100, lines.Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..])));
    }

    [Fact]
    public void Html_is_self_contained_and_escapes_names()
    {
        var tree = FlameTreeBuilder.Build(Profiles.Where(p => p.ProfileType == "cpu:samples/count"));
        tree.Child("</script><b>List<T>").Total = 1;
        using var buffer = new MemoryStream();
        HtmlFlameGraphWriter.Write([new FlameView("shop cpu:samples/count", "cpu:samples/count", tree)], "t", buffer);
        var html = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.Contains("FlameGraphPanel", html);
        Assert.Contains(KnownProfiles.HotFunction, html);
        Assert.DoesNotContain("</script><b>", html);
        Assert.DoesNotContain("/*{{", html);
    }

    [Fact]
    public void Svg_has_a_rect_and_tooltip_per_visible_frame()
    {
        var tree = FlameTreeBuilder.Build(Profiles.Where(p => p.ProfileType == "cpu:samples/count"));
        var writer = new StringWriter();
        SvgFlameGraphWriter.Write(new FlameView("shop", "cpu:samples/count", tree), writer);
        var svg = System.Xml.Linq.XDocument.Parse(writer.ToString());
        var titles = svg.Descendants().Where(e => e.Name.LocalName == "title").Select(e => e.Value).ToList();
        Assert.Contains(titles, t => t.StartsWith(KnownProfiles.HotFunction + "\ntotal 60 count (60%)", StringComparison.Ordinal));
    }
}
