using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>
/// Issue 21, gauges are not sums: three exports of one app hold in-use snapshots of 73, 74 and 75 MB. Their sum
/// (222 MB) is no amount of memory that was ever alive; the commands show the average (74 MB) or, when asked, the
/// latest snapshot (75 MB), while CPU over the same files still adds up.
/// </summary>
public class GaugeCliTests
{
    private readonly string _directory = TestPaths.NewTempDirectory();

    private string ThreeSnapshots(string name = "in")
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return ToolProcess.WriteExporterFiles(Path.Combine(_directory, name),
            InUseProfiles.Snapshot(start, 50_000_000, 23_000_000),
            InUseProfiles.Snapshot(start.AddMinutes(1), 50_000_000, 24_000_000),
            InUseProfiles.Snapshot(start.AddMinutes(2), 50_000_000, 25_000_000));
    }

    [Fact]
    public void Top_over_several_files_of_one_app_shows_the_live_set_not_the_sum()
    {
        var input = ThreeSnapshots();
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "top", input, "--type", InUseProfiles.Type, "-q");
        Assert.True(exit == 0, stderr);
        var header = stdout.Split('\n')[0];
        Assert.Equal($"{InUseProfiles.Service}  {InUseProfiles.Type}  total 74000000 bytes", header);
        Assert.Contains("24000000", stdout); // the leak's average share
        Assert.DoesNotContain("222000000", stdout);

        var latest = ToolProcess.Run(_directory, "top", input, "--type", InUseProfiles.Type, "--gauge", "latest", "-q");
        Assert.True(latest.ExitCode == 0, latest.StdErr);
        Assert.StartsWith($"{InUseProfiles.Service}  {InUseProfiles.Type}  total 75000000 bytes", latest.StdOut);

        // Counts of events still add up over intervals.
        var cpu = ToolProcess.Run(_directory, "top", input, "--type", "cpu:samples/count", "-q");
        Assert.StartsWith($"{InUseProfiles.Service}  cpu:samples/count  total 30 count", cpu.StdOut);

        var wrong = ToolProcess.Run(_directory, "top", input, "--gauge", "sum", "-q");
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Fact]
    public void Convert_and_diff_combine_snapshots_instead_of_adding_them()
    {
        var input = ThreeSnapshots();
        var (exit, stdout, stderr) = ToolProcess.Run(_directory, "convert", input, "--to", "collapsed", "-o", "out.collapsed", "-q");
        Assert.True(exit == 0, stderr);
        Assert.Contains("(memory:inuse_space/bytes, total 74000000 bytes)", stdout);
        var collapsed = File.ReadAllLines(Path.Combine(_directory, "out.memory_inuse_space_bytes.collapsed"));
        Assert.Contains($"Program.Main;Leaky.Handler.Invoke;{InUseProfiles.LeakFunction} 24000000", collapsed);
        Assert.Contains("(cpu:samples/count, total 30 count)", stdout);

        var pprof = ToolProcess.Run(_directory, "convert", input, "--to", "pprof", "--type", InUseProfiles.Type, "--gauge", "latest", "-o", "heap.pb.gz", "-q");
        Assert.True(pprof.ExitCode == 0, pprof.StdErr);
        Assert.Contains("total 75000000 bytes", pprof.StdOut);

        // Baseline: the first two snapshots (average 73.5 MB, not 147 MB); comparison: the third.
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var before = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "before"),
            InUseProfiles.Snapshot(start, 50_000_000, 23_000_000), InUseProfiles.Snapshot(start.AddMinutes(1), 50_000_000, 24_000_000));
        var after = ToolProcess.WriteExporterFiles(Path.Combine(_directory, "after"), InUseProfiles.Snapshot(start.AddMinutes(2), 50_000_000, 25_000_000));
        var diff = ToolProcess.Run(_directory, "diff", before, after, "--type", InUseProfiles.Type, "-o", "diff.html", "-q");
        Assert.True(diff.ExitCode == 0, diff.StdErr);
        Assert.Contains("baseline total 73500000, comparison total 75000000 bytes", diff.StdOut);
    }
}
