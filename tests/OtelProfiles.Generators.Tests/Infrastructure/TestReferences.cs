using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Infrastructure;

/// <summary>
/// Metadata references for test compilations, taken from the running .NET runtime and the OtelProfiles library,
/// so tests need no reference-assembly download.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path) is var name &&
                (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>The framework assemblies (System.*, netstandard, mscorlib).</summary>
    public static ImmutableArray<MetadataReference> FrameworkOnly => Framework.Value;

    /// <summary>The OtelProfiles library, which defines [ProfileTag] and the registry.</summary>
    public static MetadataReference Library { get; } = MetadataReference.CreateFromFile(typeof(ProfileTagAttribute).Assembly.Location);

    /// <summary>Framework plus library: what a user's project compiles against.</summary>
    public static ImmutableArray<MetadataReference> All => FrameworkOnly.Add(Library);
}
