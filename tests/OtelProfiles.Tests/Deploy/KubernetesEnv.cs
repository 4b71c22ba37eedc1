using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OtelProfiles.Tests.Deploy;

/// <summary>
/// Resolves a container's <c>env</c> list the way the kubelet does: literal values, <c>secretKeyRef</c> from the
/// given Secret data, <c>fieldRef</c> from the given pod fields (the downward API), and <c>$(NAME)</c> references to
/// variables defined earlier in the same list (a reference to a later or unknown name stays as written, and
/// <c>$$</c> escapes a dollar).
/// </summary>
internal static partial class KubernetesEnv
{
    public static Dictionary<string, string> Resolve(
        YamlSequenceNode env,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets,
        IReadOnlyDictionary<string, string> podFields)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (YamlNode entry in env)
        {
            string name = entry.Scalar("name") ?? throw new InvalidOperationException("an env entry has no name");
            Assert.False(resolved.ContainsKey(name), $"{name} is set twice");
            if (entry.Scalar("value") is { } value)
            {
                resolved[name] = Expand(value, resolved);
                continue;
            }

            YamlMappingNode from = entry.Map("valueFrom");
            if (from.Children.ContainsKey(new YamlScalarNode("secretKeyRef")))
            {
                YamlMappingNode reference = from.Map("secretKeyRef");
                string secret = reference.Scalar("name")!;
                string key = reference.Scalar("key")!;
                Assert.True(secrets.TryGetValue(secret, out var data) && data.ContainsKey(key), $"{name} reads {secret}/{key}, which the guide's Secret does not define");
                resolved[name] = data![key];
            }
            else
            {
                string path = from.Map("fieldRef").Scalar("fieldPath")!;
                Assert.True(podFields.TryGetValue(path, out string? field), $"{name} reads the unknown pod field {path}");
                resolved[name] = field!;
            }
        }

        return resolved;
    }

    /// <summary>A Secret manifest's <c>stringData</c> (what <c>kubectl</c> turns into <c>data</c>).</summary>
    public static (string Name, IReadOnlyDictionary<string, string> Data) Secret(YamlNode manifest)
    {
        Assert.Equal("Secret", manifest.Scalar("kind"));
        var data = manifest.Map("stringData").Entries().ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? string.Empty, StringComparer.Ordinal);
        return (manifest.Map("metadata").Scalar("name")!, data);
    }

    private static string Expand(string value, Dictionary<string, string> defined) =>
        Reference().Replace(value, m => m.Value == "$$" ? "$" : defined.TryGetValue(m.Groups["name"].Value, out string? v) ? v : m.Value);

    [GeneratedRegex(@"\$\$|\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
