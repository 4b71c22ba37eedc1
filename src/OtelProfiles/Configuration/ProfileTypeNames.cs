using OtelProfiles.ProfileSources;

namespace OtelProfiles.Configuration;

/// <summary>
/// The <c>OTEL_PROFILES_TYPES</c> spelling of each <see cref="ProfileTypes"/> flag, as the families declare it
/// (<see cref="ProfileSourceRegistry.Declared"/>), so that parsing, the startup line, validation messages and the
/// families cannot disagree, and a new type is named in its own folder.
/// </summary>
internal static class ProfileTypeNames
{
    /// <summary>Every known type with its name, in the order names are listed (the registry's).</summary>
    public static IReadOnlyList<(ProfileTypes Type, string Name)> All { get; } =
        ProfileSourceRegistry.Declared.Select(d => (d.Type, d.Name)).ToList();

    /// <summary>The union of every known flag.</summary>
    public static ProfileTypes Known { get; } = All.Aggregate(ProfileTypes.None, (all, t) => all | t.Type);

    /// <summary>"cpu, wall, alloc, inuse, lock, exception".</summary>
    public static string List { get; } = string.Join(", ", All.Select(t => t.Name));

    /// <summary>The flag a name stands for (case-insensitive), or <see cref="ProfileTypes.None"/>.</summary>
    public static ProfileTypes Parse(string name)
    {
        foreach ((ProfileTypes type, string known) in All)
        {
            if (string.Equals(name, known, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return ProfileTypes.None;
    }

    /// <summary>"cpu,wall,alloc": the names of the flags set, in listing order; "none" when none is.</summary>
    public static string Format(ProfileTypes types)
    {
        var names = new List<string>(All.Count);
        foreach ((ProfileTypes type, string name) in All)
        {
            if ((types & type) != 0)
            {
                names.Add(name);
            }
        }

        return names.Count == 0 ? "none" : string.Join(',', names);
    }
}
