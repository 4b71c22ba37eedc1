namespace OtelProfiles.ProfileSources;

/// <summary>
/// A family of profile types as <see cref="ProfileSourceRegistry"/> lists it: the types it provides (each with its
/// name and how its samples are counted), why any of them cannot work on a given runtime, what to tell the user
/// about how one is measured there, and how to create its <see cref="IProfileSource"/>. Holds no state, so
/// availability can be decided without creating a source.
/// </summary>
/// <param name="Name">The family's name, for logs and docs ("sampler", "memory", "runtime signals").</param>
/// <param name="Declared">The profile types the family provides, in the order their names are listed.</param>
/// <param name="Unavailable">Each of its types that cannot work on the runtime, with the reason.</param>
/// <param name="Note">What the startup log says about how a type is measured on the runtime, or null.</param>
/// <param name="Create">Creates the family's source (once per profiler).</param>
internal sealed record ProfileSourceFamily(
    string Name,
    IReadOnlyList<ProfileTypeDeclaration> Declared,
    Func<RuntimeTraits, IReadOnlyDictionary<ProfileTypes, string>> Unavailable,
    Func<ProfileTypes, RuntimeTraits, string?> Note,
    Func<IProfileSource> Create)
{
    /// <summary>The profile types the family provides (computed, so a copy made with <c>with</c> stays right).</summary>
    public ProfileTypes Types => Declared.Aggregate(ProfileTypes.None, (all, d) => all | d.Type);

    /// <summary>No type of the family is unavailable anywhere.</summary>
    public static IReadOnlyDictionary<ProfileTypes, string> AlwaysAvailable(RuntimeTraits runtime) =>
        new Dictionary<ProfileTypes, string>();

    /// <summary>Nothing to say about how the family's types are measured.</summary>
    public static string? NoNote(ProfileTypes type, RuntimeTraits runtime) => null;
}
