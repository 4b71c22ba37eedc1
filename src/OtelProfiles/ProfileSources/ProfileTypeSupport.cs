namespace OtelProfiles.ProfileSources;

/// <summary>
/// What this runtime can profile, decided once per start from the families in <see cref="ProfileSourceRegistry"/>:
/// each type that cannot work is named with the reason (for the startup log), and each family says how its types
/// are measured here.
/// </summary>
/// <param name="Available">The types some family provides and this runtime supports.</param>
/// <param name="Unavailable">Each type that cannot work here, with the reason.</param>
/// <param name="Runtime">The runtime it was decided for.</param>
internal sealed record ProfileTypeSupport(
    ProfileTypes Available,
    IReadOnlyDictionary<ProfileTypes, string> Unavailable,
    RuntimeTraits Runtime)
{
    /// <summary>This process: its runtime version, bitness and whether background (concurrent) GC is on.</summary>
    public static ProfileTypeSupport Detect() => For(RuntimeTraits.Current());

    /// <param name="runtime">The runtime version (<see cref="Environment.Version"/>).</param>
    /// <param name="pointerSize">8 in a 64-bit process.</param>
    /// <param name="backgroundGC">Whether background GCs can run (the default unless concurrent GC is disabled).</param>
    public static ProfileTypeSupport For(Version runtime, int pointerSize, bool backgroundGC) =>
        For(new RuntimeTraits(runtime, pointerSize, backgroundGC));

    /// <summary>What the registered families can do on <paramref name="runtime"/>.</summary>
    public static ProfileTypeSupport For(RuntimeTraits runtime)
    {
        var unavailable = new Dictionary<ProfileTypes, string>();
        foreach (ProfileSourceFamily family in ProfileSourceRegistry.Families)
        {
            foreach ((ProfileTypes type, string reason) in family.Unavailable(runtime))
            {
                unavailable[type] = reason;
            }
        }

        ProfileTypes available = ProfileSourceRegistry.AllTypes;
        foreach (ProfileTypes type in unavailable.Keys)
        {
            available &= ~type;
        }

        return new ProfileTypeSupport(available, unavailable, runtime);
    }

    /// <summary>What the startup log says about how <paramref name="type"/> is measured here, or null.</summary>
    public string? Note(ProfileTypes type) => ProfileSourceRegistry.FamilyOf(type)?.Note(type, Runtime);
}
