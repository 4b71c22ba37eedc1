using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OtelProfiles.Tests.Deploy;

/// <summary>
/// docs/deploy.md as the tests read it: the block that follows each <c>&lt;!-- deploy-check: NAME --&gt;</c> marker
/// (a fenced code block or a table), and its YAML parsed with a real YAML parser.
/// </summary>
internal static partial class DeployGuide
{
    private static readonly Lazy<string> Text = new(() => File.ReadAllText(Path));

    /// <summary>The guide in the repository this test assembly was built from.</summary>
    public static string Path
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string candidate = System.IO.Path.Combine(directory.FullName, "docs", "deploy.md");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("docs/deploy.md not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The content of the fenced code block right after the marker <paramref name="name"/>.</summary>
    public static string Block(string name)
    {
        string rest = AfterMarker(name);
        Match fence = FencedBlock().Match(rest);
        Assert.True(fence.Success && fence.Index == 0, $"the marker '{name}' in docs/deploy.md is not followed by a fenced code block");
        return fence.Groups["body"].Value;
    }

    /// <summary>The lines of the Markdown table right after the marker <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> Table(string name) =>
        AfterMarker(name).Split('\n').TakeWhile(line => line.StartsWith('|')).ToList();

    /// <summary>The YAML block after the marker, parsed; the root node.</summary>
    public static YamlNode Yaml(string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Block(name)));
        Assert.Single(stream.Documents);
        return stream.Documents[0].RootNode;
    }

    private static string AfterMarker(string name)
    {
        string marker = $"<!-- deploy-check: {name} -->";
        int at = Text.Value.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/deploy.md has no marker '{marker}'");
        Assert.True(Text.Value.IndexOf(marker, at + marker.Length, StringComparison.Ordinal) < 0, $"the marker '{marker}' appears twice");
        return Text.Value[(at + marker.Length)..].TrimStart('\r', '\n').Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^```[a-z]*\n(?<body>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedBlock();
}

/// <summary>Small accessors over YamlDotNet's representation model that fail with the path that is missing.</summary>
internal static class YamlNodes
{
    public static YamlMappingNode Map(this YamlNode node, string key)
    {
        Assert.True(node is YamlMappingNode, $"expected a mapping above '{key}'");
        Assert.True(((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out YamlNode? child), $"missing '{key}'");
        Assert.True(child is YamlMappingNode, $"'{key}' is not a mapping");
        return (YamlMappingNode)child!;
    }

    public static YamlSequenceNode Seq(this YamlNode node, string key)
    {
        Assert.True(node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? child) && child is YamlSequenceNode, $"missing list '{key}'");
        return (YamlSequenceNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    }

    public static string? Scalar(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? child) && child is YamlScalarNode scalar
            ? scalar.Value
            : null;

    public static IEnumerable<string> Keys(this YamlMappingNode node) => node.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!);

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlMappingNode node) =>
        node.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));
}
