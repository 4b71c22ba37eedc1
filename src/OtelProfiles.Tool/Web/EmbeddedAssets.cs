using System.Reflection;

namespace OtelProfiles.Tool.Web;

/// <summary>The web UI's files, compiled into the assembly so the tool needs no web root and no network.</summary>
internal static class EmbeddedAssets
{
    private static readonly Assembly Assembly = typeof(EmbeddedAssets).Assembly;

    /// <summary>The text of <c>Web/wwwroot/<paramref name="name"/></c>.</summary>
    public static string ReadText(string name)
    {
        using var stream = Open(name) ?? throw new FileNotFoundException($"embedded asset wwwroot/{name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Opens <c>Web/wwwroot/<paramref name="name"/></c>, or null when there is no such asset.</summary>
    public static Stream? Open(string name) => Assembly.GetManifestResourceStream("wwwroot/" + name);
}
