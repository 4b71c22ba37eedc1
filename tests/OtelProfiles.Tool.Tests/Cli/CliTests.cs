using System.Text.Json;
using Json.Schema;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>The otel-profiles commands run as real processes on files named like the file exporter's.</summary>
public class CliTests
{
    private readonly string _directory = TestPaths.NewTempDirectory();

    private string Input => ToolProcess.WriteExporterFiles(Path.Combine(_directory, "in"), KnownProfiles.Build(), KnownProfiles.BuildShifted(DateTimeOffset.UtcNow));

    [Fact]
    public void Flamegraph_writes_self_contained_html_and_svg_with_progress()
    {
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "flamegraph", Input, "-o", "out.html", "--svg", "out.svg");
        Assert.True(exit == 0, stderr);
        Assert.Contains("[1/2]", stderr);
        Assert.Contains("[2/2]", stderr);
        Assert.Contains("Wrote out.html (2 flame graphs: shop cpu:samples/count, shop wall/nanoseconds)", stdout);
        var html = File.ReadAllText(Path.Combine(_directory, "out.html"));
        Assert.Contains(KnownProfiles.HotFunction, html);
        Assert.Contains(KnownProfiles.HotFunction, File.ReadAllText(Path.Combine(_directory, "out.svg")));
    }

    [Fact]
    public void Top_prints_the_hot_function_first()
    {
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "top", Input, "--type", "cpu:samples/count", "-n", "3", "-q");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("shop  cpu:samples/count  total 200 count", lines[0]);
        Assert.EndsWith(KnownProfiles.WarmStack[^1], lines[2]); // 30 + 90 = 120 self
        Assert.Contains("120   60.0%", lines[2]);
        Assert.EndsWith(KnownProfiles.HotFunction, lines[3]);
        Assert.Equal(5, lines.Length);

        var filtered = ToolProcess.Run(_directory, "top", Input, "--type", "cpu:samples/count", "--filter", "thread.name=worker-1", "-q");
        Assert.Contains("total 60 count", filtered.StdOut);
    }

    [Fact]
    public void Diff_writes_a_diff_flame_graph()
    {
        var baseline = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "base"), KnownProfiles.Build());
        var comparison = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "new"), KnownProfiles.BuildShifted(DateTimeOffset.UtcNow));
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "diff", baseline, comparison, "-o", "diff.html", "--svg", "diff.svg");
        Assert.True(exit == 0, stderr);
        Assert.Contains("baseline total 100, comparison total 100 count", stdout);
        Assert.Contains("\"diff\":true", File.ReadAllText(Path.Combine(_directory, "diff.html")));
        Assert.Contains("change -50 points", File.ReadAllText(Path.Combine(_directory, "diff.svg")));
    }

    [Fact]
    public void Convert_to_speedscope_validates_against_the_schema_and_collapsed_has_one_file_per_type()
    {
        var (exit, _, stderr) = ToolProcess.Run(_directory, "convert", Input, "--to", "speedscope", "-o", "p.speedscope.json");
        Assert.True(exit == 0, stderr);
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "speedscope-file-format-schema.json")));
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "p.speedscope.json")));
        Assert.True(schema.Evaluate(document.RootElement).IsValid);

        (exit, var stdout, stderr) = ToolProcess.Run(_directory, "convert", Input, "--to", "collapsed", "-o", "stacks.txt");
        Assert.True(exit == 0, stderr);
        Assert.Contains("stacks.cpu_samples_count.txt", stdout);
        var collapsed = File.ReadAllLines(Path.Combine(_directory, "stacks.cpu_samples_count.txt"));
        Assert.Equal(200, collapsed.Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..])));
        Assert.True(File.Exists(Path.Combine(_directory, "stacks.wall_nanoseconds.txt")));
    }

    [Theory]
    [InlineData("text", "not an OTLP profiles file")]
    [InlineData("json", "looks like JSON")]
    [InlineData("empty", "the file is empty")]
    [InlineData("truncated", "not a valid protobuf message")]
    [InlineData("missing", "no such file or directory")]
    public void Files_that_are_not_OTLP_profiles_fail_with_the_file_name_and_the_reason(string kind, string reason)
    {
        var path = Path.Combine(_directory, $"bad-{kind}.pb");
        var valid = KnownProfiles.Build().BuildBytes();
        switch (kind)
        {
            case "text": File.WriteAllText(path, "hello, I am a text file\n"); break;
            case "json": File.WriteAllText(path, "{\"resourceProfiles\": []}"); break;
            case "empty": File.WriteAllBytes(path, []); break;
            case "truncated": File.WriteAllBytes(path, valid[..(valid.Length - 9)]); break;
        }

        var good = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "good"), KnownProfiles.Build());
        var (exit, _, stderr) = ToolProcess.Run(_directory, "top", good, path);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {path}: ", stderr);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr); // a message, not a stack trace
    }

    [Fact]
    public void Usage_errors_are_reported()
    {
        var (exit, _, stderr) = ToolProcess.Run(_directory, "convert", Input, "--to", "svg");
        Assert.NotEqual(0, exit);
        Assert.Contains("svg", stderr);

        (exit, _, stderr) = ToolProcess.Run(_directory, "top", Input, "--type", "alloc/bytes");
        Assert.Equal(1, exit);
        Assert.Contains("the input has: shop cpu:samples/count, shop wall/nanoseconds", stderr);
    }
}

/// <summary>The demo command's own failure path (the happy path needs the lead's sample app, see docs/tool.md).</summary>
public class DemoCommandTests
{
    [Fact]
    public void Demo_reports_an_app_that_does_not_start_with_its_log()
    {
        var directory = TestPaths.NewTempDirectory();
        var (exit, stdout, stderr) = ToolProcess.Run(directory, "demo", "--app-command", "echo booting; exit 3", "--grpc-port", "0", "--http-port", "0",
            "--db", Path.Combine(directory, "demo.db"), "--exit", "--start-timeout", "20s");
        Assert.Equal(1, exit);
        Assert.Contains("otel-profiles receiver is running", stdout);
        Assert.Contains("the app did not start: it exited with code 3", stderr);
        Assert.Contains("booting", stderr);
    }
}
