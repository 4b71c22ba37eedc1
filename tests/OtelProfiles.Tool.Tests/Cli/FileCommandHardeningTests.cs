using System.IO.Compression;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>Issue 19, receiver item 6: the file commands on hostile files end with one line, never a trace.</summary>
public class FileCommandHardeningTests
{
    private readonly string _directory = TestPaths.NewTempDirectory();

    [Fact]
    public void A_gzip_file_that_inflates_past_the_limit_is_refused_with_one_line()
    {
        var path = Path.Combine(_directory, "profiles-bomb.pb.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            gzip.Write(new byte[8 << 20]);
        }

        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "top", path, "--max-input-size", "1MiB", "-q");
        Assert.Equal(1, exit);
        Assert.Contains("decompresses to more than 1048576 bytes", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public void A_3000_frame_stack_works_in_every_command()
    {
        var input = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "in"), HostilePayloads.DeepStack(3000));
        foreach (var arguments in (string[][])[
            ["flamegraph", input, "-o", "deep.html", "--svg", "deep.svg", "-q"],
            ["top", input, "-q"],
            ["convert", input, "--to", "speedscope", "-o", "deep.speedscope.json", "-q"],
            ["convert", input, "--to", "pprof", "-o", "deep.pprof", "-q"],
            ["convert", input, "--to", "collapsed", "-o", "deep.txt", "-q"],
            ["diff", input, input, "-o", "deep-diff.html", "-q"]])
        {
            var (exit, stdout, stderr) = ToolProcess.Run(_directory, arguments);
            Assert.True(exit == 0, $"{string.Join(' ', arguments)}: {stderr}");
            Assert.DoesNotContain("   at ", stdout + stderr);
        }

        Assert.Contains("[truncated 1977 frames]", File.ReadAllText(Path.Combine(_directory, "deep.html")));
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("unwritable")]
    public void An_output_that_cannot_be_written_ends_with_one_line(string kind)
    {
        var input = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "in"), KnownProfiles.Build());
        var output = kind == "directory" ? Directory.CreateDirectory(Path.Combine(_directory, "out.html")).FullName : "/proc/otel-profiles-test/out.html";
        foreach (var command in (string[])["flamegraph", "convert"])
        {
            string[] arguments = command == "flamegraph" ? [command, input, "-o", output, "-q"] : [command, input, "--to", "speedscope", "-o", output, "-q"];
            var (exit, stdout, stderr) = ToolProcess.Run(_directory, arguments);
            Assert.Equal(1, exit);
            Assert.StartsWith("error: ", stderr);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", stdout + stderr);
        }
    }

    [Fact]
    public void Top_shows_control_characters_in_names_as_visible_escapes()
    {
        const string Evil = "Evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eName";
        var builder = new OtlpRequestBuilder();
        builder.AddProfile("esc\u001b[31mservice", "samples", "count", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1)).Sample(5, ["Main", Evil]);
        var input = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "in"), builder);
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "top", input, "-q");
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u0007', stdout);
        Assert.DoesNotContain('\u009b', stdout);
        Assert.DoesNotContain('\u202e', stdout);
        Assert.Contains("Evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eName", stdout);
        Assert.Contains("esc\\x1b[31mservice", stdout);
    }
}
