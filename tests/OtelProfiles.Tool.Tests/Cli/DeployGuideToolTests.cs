using System.Text.RegularExpressions;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Cli;

/// <summary>
/// The <c>otel-profiles</c> command of docs/deploy.md ("How to tell it works"), run as written on a directory of
/// files in the file exporter's format, where the guide's <c>kubectl cp</c> would have put them.
/// </summary>
public sealed partial class DeployGuideToolTests
{
    [Fact]
    public void The_guide_s_otel_profiles_command_runs_on_a_file_export()
    {
        string block = ToolBlock();
        string copyLine = Assert.Single(block.Split('\n'), l => l.StartsWith("kubectl cp ", StringComparison.Ordinal));
        string command = Assert.Single(block.Split('\n'), l => l.StartsWith("otel-profiles ", StringComparison.Ordinal));

        // kubectl cp <pod>:<dir> <local>: the tool reads <local>.
        string local = copyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        string[] arguments = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Contains(local, arguments);

        string working = TestPaths.NewTempDirectory();
        ToolProcess.WriteExporterFiles(Path.Combine(working, local), KnownProfiles.Build());
        var (exit, stdout, stderr) = ToolProcess.Run(working, arguments);
        Assert.True(exit == 0, stderr);
        Assert.Contains(KnownProfiles.HotFunction, stdout, StringComparison.Ordinal);
    }

    private static string ToolBlock()
    {
        string path = FindGuide();
        string text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string Marker = "<!-- deploy-check: tool -->";
        int at = text.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "docs/deploy.md has no " + Marker);
        Match fence = Fence().Match(text, at + Marker.Length);
        Assert.True(fence.Success, "no code block after " + Marker);
        return fence.Groups["body"].Value;
    }

    private static string FindGuide()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "docs", "deploy.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/deploy.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```[a-z]*\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
