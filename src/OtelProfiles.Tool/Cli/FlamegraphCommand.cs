using System.CommandLine;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Formats;

namespace OtelProfiles.Tool.Cli;

/// <summary><c>otel-profiles flamegraph &lt;inputs&gt;</c>: a self-contained HTML flame graph (and optionally SVG).</summary>
internal static class FlamegraphCommand
{
    public static Command Create()
    {
        var inputs = CommonOptions.Inputs();
        var output = new Option<string>("--output", "-o") { Description = "HTML file to write", DefaultValueFactory = _ => "flamegraph.html" };
        var svg = new Option<string?>("--svg") { Description = "Also write an SVG flame graph here (of the first service and profile type)" };
        var title = new Option<string?>("--title") { Description = "Page title (default: the input names)" };
        var service = CommonOptions.Service();
        var type = CommonOptions.Type();
        var filter = CommonOptions.Filter();
        var quiet = CommonOptions.Quiet();
        var maxInput = CommonOptions.MaxInputSize();
        var gauge = CommonOptions.Gauge();
        var command = new Command("flamegraph", "Write a self-contained HTML flame graph (and SVG) from OTLP profile files")
        {
            inputs, output, svg, title, service, type, filter, quiet, maxInput, gauge,
        };

        command.SetAction(parse => CliRunner.Run(() =>
        {
            var progress = parse.GetValue(quiet) ? null : Console.Error;
            var profiles = ProfileSelection.Select(
                OtlpFileReader.ReadAll(parse.GetValue(inputs)!, progress, Units.ParseSize(parse.GetValue(maxInput)!, "--max-input-size")), parse.GetValue(service), parse.GetValue(type));
            var sampleFilter = new SampleFilter(parse.GetValue(filter) ?? []);
            var views = ProfileSelection.ByServiceAndType(profiles)
                .Select(g => new FlameView($"{g.Key.Service} {g.Key.Type}", g.Key.Type, FlameTreeBuilder.Build(g, sampleFilter, GaugeAggregation.Parse(parse.GetValue(gauge), "--gauge"))))
                .ToList();
            var pageTitle = parse.GetValue(title) ?? "otel-profiles: " + string.Join(", ", parse.GetValue(inputs)!.Select(Path.GetFileName));
            var outputPath = parse.GetValue(output)!;
            using (var stream = File.Create(outputPath))
            {
                HtmlFlameGraphWriter.Write(views, pageTitle, stream);
            }

            Console.WriteLine($"Wrote {outputPath} ({views.Count} flame graph{(views.Count == 1 ? "" : "s")}: {TerminalText.Safe(string.Join(", ", views.Select(v => v.Title)))})");
            var svgPath = parse.GetValue(svg);
            if (svgPath is not null)
            {
                using var writer = new StreamWriter(svgPath);
                SvgFlameGraphWriter.Write(views[0], writer);
                Console.WriteLine($"Wrote {svgPath} ({TerminalText.Safe(views[0].Title)})");
            }
        }));
        return command;
    }
}
