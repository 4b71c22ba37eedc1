using System.CommandLine;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Formats;

namespace OtelProfiles.Tool.Cli;

/// <summary><c>otel-profiles diff &lt;base&gt; &lt;new&gt;</c>: a diff flame graph (red grew, green shrank, by share of the total).</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("base") { Description = "Baseline: an OTLP profile file or a directory of them" };
        var comparison = new Argument<string>("new") { Description = "Comparison: an OTLP profile file or a directory of them" };
        var output = new Option<string>("--output", "-o") { Description = "HTML file to write", DefaultValueFactory = _ => "diff.html" };
        var svg = new Option<string?>("--svg") { Description = "Also write the diff as SVG" };
        var service = CommonOptions.Service();
        var type = new Option<string?>("--type") { Description = "Profile type to compare (default: the CPU profile, else the first type of the baseline)" };
        var filter = CommonOptions.Filter();
        var quiet = CommonOptions.Quiet();
        var maxInput = CommonOptions.MaxInputSize();
        var gauge = CommonOptions.Gauge();
        var command = new Command("diff", "Write a diff flame graph comparing two sets of OTLP profile files")
        {
            baseline, comparison, output, svg, service, type, filter, quiet, maxInput, gauge,
        };

        command.SetAction(parse => CliRunner.Run(() =>
        {
            var progress = parse.GetValue(quiet) ? null : Console.Error;
            var baseProfiles = OtlpFileReader.ReadAll([parse.GetValue(baseline)!], progress, Units.ParseSize(parse.GetValue(maxInput)!, "--max-input-size"));
            var profileType = parse.GetValue(type) ?? ProfileTypeNames.Preferred(baseProfiles.Select(p => p.ProfileType).Distinct()).First();
            var before = ProfileSelection.Select(baseProfiles, parse.GetValue(service), profileType);
            var after = ProfileSelection.Select(OtlpFileReader.ReadAll([parse.GetValue(comparison)!], progress, Units.ParseSize(parse.GetValue(maxInput)!, "--max-input-size")), parse.GetValue(service), profileType);
            var sampleFilter = new SampleFilter(parse.GetValue(filter) ?? []);
            var tree = FlameTreeBuilder.BuildDiff(before, after, sampleFilter, sampleFilter, GaugeAggregation.Parse(parse.GetValue(gauge), "--gauge"));
            var title = $"diff {profileType}: {Path.GetFileName(parse.GetValue(baseline))} → {Path.GetFileName(parse.GetValue(comparison))}";
            var view = new FlameView(title, profileType, tree, IsDiff: true);
            var outputPath = parse.GetValue(output)!;
            using (var stream = File.Create(outputPath))
            {
                HtmlFlameGraphWriter.Write([view], title, stream);
            }

            Console.WriteLine($"Wrote {outputPath} (baseline total {tree.BaseTotal}, comparison total {tree.Total} {ProfileTypeNames.UnitOf(profileType)})");
            var svgPath = parse.GetValue(svg);
            if (svgPath is not null)
            {
                using var writer = new StreamWriter(svgPath);
                SvgFlameGraphWriter.Write(view, writer);
                Console.WriteLine($"Wrote {svgPath}");
            }
        }));
        return command;
    }
}
