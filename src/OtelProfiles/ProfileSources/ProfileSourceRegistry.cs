using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Sampler;
using OtelProfiles.ProfileSources.Signals;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// Every family of profile types the profiler can collect, in the order their profiles appear in an export
/// request. Adding a family is adding its folder next to these and one line here (docs/architecture.md,
/// "Adding a profile type"): configuration and the health metrics read the families' declarations from here.
/// </summary>
internal static class ProfileSourceRegistry
{
    /// <summary>The families, in request order.</summary>
    public static IReadOnlyList<ProfileSourceFamily> Families { get; } =
    [
        SamplerSource.Family,
        MemorySource.Family,
        RuntimeSignalsSource.Family,
    ];

    /// <summary>Every type some family provides.</summary>
    public static ProfileTypes AllTypes { get; } = Families.Aggregate(ProfileTypes.None, (all, f) => all | f.Types);

    /// <summary>
    /// Every type some family provides, with its <c>OTEL_PROFILES_TYPES</c> name and how its samples are counted:
    /// family by family in request order, each family's types in its own order.
    /// </summary>
    public static IReadOnlyList<ProfileTypeDeclaration> Declared { get; } = Families.SelectMany(f => f.Declared).ToList();

    /// <summary>The family providing <paramref name="type"/> (a single flag), or null.</summary>
    public static ProfileSourceFamily? FamilyOf(ProfileTypes type) => Families.FirstOrDefault(f => (f.Types & type) != 0);

    /// <summary>One new source per family, in request order (a profiler's own set).</summary>
    public static IReadOnlyList<IProfileSource> CreateSources() => Families.Select(f => f.Create()).ToList();
}
