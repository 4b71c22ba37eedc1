using System.Text.RegularExpressions;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Decoding;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Formats;

/// <summary>OTLP → pprof with the CLI, read back by the real <c>go tool pprof</c>: the totals per function must match.</summary>
public partial class PprofRoundTripTests
{
    private const string GoHint = "apt-get install -y golang-go (Debian), which provides 'go tool pprof'";

    [Fact]
    public void Go_tool_pprof_raw_reads_the_same_per_function_totals_for_every_profile_type()
    {
        var go = ExternalTools.Require("go", GoHint);
        var directory = TestPaths.NewTempDirectory();
        var input = ToolProcess.WriteExporterFiles(Path.Combine(directory, "in"), KnownProfiles.Build(), KnownProfiles.BuildShifted(DateTimeOffset.UtcNow));
        var (exit, stdout, stderr) = ToolProcess.Run(directory, "convert", input, "--to", "pprof", "-o", Path.Combine(directory, "profile.pb.gz"));
        Assert.True(exit == 0, stderr);
        Assert.Contains("profile.cpu_samples_count.pb.gz (cpu:samples/count, total 200 count)", stdout);
        Assert.Contains("profile.wall_nanoseconds.pb.gz (wall/nanoseconds, total 700000000 nanoseconds)", stdout);

        var decoded = OtlpFileReader.ReadAll([input]);
        foreach (var (type, file) in new[] { ("cpu:samples/count", "profile.cpu_samples_count.pb.gz"), ("wall/nanoseconds", "profile.wall_nanoseconds.pb.gz") })
        {
            var raw = ExternalTools.Run(go, ["tool", "pprof", "-raw", Path.Combine(directory, file)], TimeSpan.FromSeconds(60),
                directory, new Dictionary<string, string> { ["HOME"] = directory, ["PPROF_TMPDIR"] = directory });
            Assert.True(raw.ExitCode == 0, raw.StdErr);
            Assert.Contains(ProfileTypeNames.TypeOf(type) + "/" + ProfileTypeNames.UnitOf(type) + "[dflt]", raw.StdOut);

            var fromPprof = ParseRaw(raw.StdOut);
            var expected = TopFunctions.Compute(decoded.Where(p => p.ProfileType == type));
            Assert.Equal(expected.Sum(f => f.Self), fromPprof.Values.Sum(f => f.Flat));
            foreach (var function in expected)
            {
                Assert.True(fromPprof.TryGetValue(function.Name, out var got), $"{function.Name} missing from go tool pprof -raw output:\n{raw.StdOut}");
                Assert.Equal((function.Self, function.Total), (got.Flat, got.Cum));
            }

            Assert.Equal(expected.Count, fromPprof.Count);
        }
    }

    [Fact]
    public void Go_tool_pprof_top_lists_the_hot_function_first_with_its_flat_and_cum()
    {
        var go = ExternalTools.Require("go", GoHint);
        var directory = TestPaths.NewTempDirectory();
        var input = ToolProcess.WriteExporterFiles(Path.Combine(directory, "in"), KnownProfiles.Build());
        var (exit, _, stderr) = ToolProcess.Run(directory, "convert", input, "--to", "pprof", "--type", "cpu:samples/count", "-o", "cpu.pb.gz");
        Assert.True(exit == 0, stderr);

        var top = ExternalTools.Run(go, ["tool", "pprof", "-top", "-nodecount=100", Path.Combine(directory, "cpu.pb.gz")], TimeSpan.FromSeconds(60),
            directory, new Dictionary<string, string> { ["HOME"] = directory, ["PPROF_TMPDIR"] = directory });
        Assert.True(top.ExitCode == 0, top.StdErr);
        var rows = TopRow().Matches(top.StdOut).Select(m => (Flat: long.Parse(m.Groups[1].Value), Cum: long.Parse(m.Groups[2].Value), Name: m.Groups[3].Value.Trim())).ToList();
        Assert.True(rows.Count > 0, top.StdOut);
        Assert.Equal((60L, 60L, KnownProfiles.HotFunction), rows[0]);
        Assert.Contains((0L, 100L, "Program.Main"), rows);
        Assert.Contains((10L, 10L, "Shop.Tree.Walk"), rows);
        Assert.Equal(100, rows.Sum(r => r.Flat));
    }

    /// <summary>Per function: flat (leaf) and cum (anywhere on the stack, once per sample) from <c>pprof -raw</c>.</summary>
    private static Dictionary<string, (long Flat, long Cum)> ParseRaw(string raw)
    {
        var lines = raw.Split('\n');
        var locations = new Dictionary<string, string>();
        var samples = new List<(long Value, string[] Ids)>();
        var section = "";
        foreach (var line in lines)
        {
            if (line.StartsWith("Samples:", StringComparison.Ordinal)) { section = "samples"; continue; }
            if (line.StartsWith("Locations", StringComparison.Ordinal)) { section = "locations"; continue; }
            if (line.StartsWith("Mappings", StringComparison.Ordinal)) { section = "mappings"; continue; }
            if (section == "samples" && RawSample().Match(line) is { Success: true } s)
            {
                samples.Add((long.Parse(s.Groups[1].Value), s.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
            else if (section == "locations" && RawLocation().Match(line) is { Success: true } l)
            {
                locations[l.Groups[1].Value] = l.Groups[2].Value;
            }
        }

        var result = new Dictionary<string, (long Flat, long Cum)>();
        foreach (var (value, ids) in samples)
        {
            var names = ids.Select(id => locations[id]).ToList();
            var leaf = names[0];
            foreach (var name in names.Distinct())
            {
                var current = result.GetValueOrDefault(name);
                result[name] = (current.Flat + (name == leaf ? value : 0), current.Cum + value);
            }
        }

        return result;
    }

    [GeneratedRegex(@"^\s*(-?\d+): ((?:\d+ ?)+)\s*$")]
    private static partial Regex RawSample();

    [GeneratedRegex(@"^\s*(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(\S+) ")]
    private static partial Regex RawLocation();

    [GeneratedRegex(@"^\s*(\d+)\s+[\d.]+%\s+[\d.]+%\s+(\d+)\s+[\d.]+%\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex TopRow();
}
