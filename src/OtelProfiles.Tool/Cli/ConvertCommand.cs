using System.CommandLine;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Formats;

namespace OtelProfiles.Tool.Cli;

/// <summary>
/// <c>otel-profiles convert --to pprof|speedscope|collapsed</c>. pprof and collapsed stacks hold one value type per
/// file, so with several profile types in the input one file per type is written (name suffixed with the type);
/// speedscope holds them all in one file.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var inputs = CommonOptions.Inputs();
        var to = new Option<string>("--to") { Description = "Output format", Required = true };
        to.AcceptOnlyFromAmong("pprof", "speedscope", "collapsed");
        var output = new Option<string?>("--output", "-o") { Description = "Output file (default profile.pb.gz, profile.speedscope.json or profile.collapsed)" };
        var service = CommonOptions.Service();
        var type = CommonOptions.Type();
        var quiet = CommonOptions.Quiet();
        var maxInput = CommonOptions.MaxInputSize();
        var gauge = CommonOptions.Gauge();
        var command = new Command("convert", "Convert OTLP profile files to pprof, speedscope or collapsed stacks")
        {
            inputs, to, output, service, type, quiet, maxInput, gauge,
        };

        command.SetAction(parse => CliRunner.Run(() =>
        {
            var progress = parse.GetValue(quiet) ? null : Console.Error;
            var profiles = ProfileSelection.Select(
                OtlpFileReader.ReadAll(parse.GetValue(inputs)!, progress, Units.ParseSize(parse.GetValue(maxInput)!, "--max-input-size")), parse.GetValue(service), parse.GetValue(type));
            var format = parse.GetValue(to)!;
            var outputPath = parse.GetValue(output) ?? format switch
            {
                "pprof" => "profile.pb.gz",
                "speedscope" => "profile.speedscope.json",
                _ => "profile.collapsed",
            };

            foreach (var written in Convert(profiles, format, outputPath, GaugeAggregation.Parse(parse.GetValue(gauge), "--gauge")))
            {
                Console.WriteLine($"Wrote {written}");
            }
        }));
        return command;
    }

    /// <summary>
    /// Writes the files and returns their paths with what each holds. In-use snapshots are combined (their average
    /// or the latest, <paramref name="gauge"/>), never added: a heap profile in pprof or speedscope is one snapshot.
    /// </summary>
    internal static IReadOnlyList<string> Convert(IReadOnlyList<DecodedProfile> profiles, string format, string outputPath, GaugeMode gauge = GaugeMode.Average)
    {
        profiles = GaugeAggregation.Combine(profiles, gauge);
        var written = new List<string>();
        if (format == "speedscope")
        {
            using var stream = File.Create(outputPath);
            SpeedscopeWriter.Write(profiles, stream, Path.GetFileNameWithoutExtension(outputPath), gauge);
            written.Add($"{outputPath} ({profiles.Select(p => (p.ServiceName, p.ProfileType)).Distinct().Count()} profiles)");
            return written;
        }

        // One value type per file: split by type (services of the same type merge, as in one pprof of a fleet).
        var byType = profiles.GroupBy(p => p.ProfileType).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var group in byType)
        {
            var path = byType.Count == 1 ? outputPath : SuffixedPath(outputPath, ProfileTypeNames.ToFileSuffix(group.Key));
            var members = group.ToList();
            if (format == "pprof")
            {
                using var stream = File.Create(path);
                PprofWriter.Write(members, stream, gauge);
            }
            else
            {
                using var writer = new StreamWriter(path);
                CollapsedWriter.Write(members, writer, gauge);
            }

            written.Add($"{path} ({group.Key}, total {members.Sum(p => p.TotalValue)} {ProfileTypeNames.UnitOf(group.Key)})");
        }

        return written;
    }

    /// <summary>profile.pb.gz + cpu_samples_count → profile.cpu_samples_count.pb.gz.</summary>
    internal static string SuffixedPath(string path, string suffix)
    {
        var directory = Path.GetDirectoryName(path) ?? "";
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var suffixed = dot <= 0 ? $"{name}.{suffix}" : $"{name[..dot]}.{suffix}{name[dot..]}";
        return Path.Combine(directory, suffixed);
    }
}
