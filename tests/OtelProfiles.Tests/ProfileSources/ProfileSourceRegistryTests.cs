using System.Numerics;
using System.Text.RegularExpressions;
using OtelProfiles.Building;
using OtelProfiles.Configuration;
using OtelProfiles.ProfileSources;
using OtelProfiles.ProfileSources.Sampler;

namespace OtelProfiles.Tests.ProfileSources;

public sealed class ProfileSourceRegistryTests
{
    /// <summary>A flag for hypothetical families, beyond any real <see cref="ProfileTypes"/> value.</summary>
    private const ProfileTypes NotAFlagYet = (ProfileTypes)(1 << 30);

    [Fact]
    public void The_registered_families_declare_every_profile_type_once_with_a_name_of_its_own()
    {
        Assert.Empty(DeclarationProblems(ProfileSourceRegistry.Families));
    }

    [Fact]
    public void Every_named_profile_type_has_exactly_one_family()
    {
        foreach ((ProfileTypes type, string name) in ProfileTypeNames.All)
        {
            Assert.Single(ProfileSourceRegistry.Families, f => (f.Types & type) != 0);
            Assert.Equal(type, ProfileSourceRegistry.FamilyOf(type)!.Types & type);
            Assert.False(string.IsNullOrEmpty(name));
        }

        Assert.Equal(ProfileTypeNames.Known, ProfileSourceRegistry.AllTypes);
    }

    [Fact]
    public void Configuration_spells_each_type_as_its_family_declares_it()
    {
        // The names (and their order) of the types so far stay what users have configured.
        Assert.Equal(
            ["cpu", "wall", "alloc", "inuse", "lock", "exception"],
            ProfileSourceRegistry.Declared.Select(d => d.Name).Take(6));
        Assert.Equal(string.Join(", ", ProfileSourceRegistry.Declared.Select(d => d.Name)), ProfileTypeNames.List);
        foreach (ProfileTypeDeclaration declared in ProfileSourceRegistry.Declared)
        {
            Assert.Equal(declared.Type, ProfileTypeNames.Parse(declared.Name));
            Assert.Equal(declared.Type, ProfileTypeNames.Parse(declared.Name.ToUpperInvariant()));
            Assert.Equal(declared.Name, ProfileTypeNames.Format(declared.Type));
        }

        Assert.Equal("alloc,inuse", ProfileTypeNames.Format(ProfileTypes.InUseMemory | ProfileTypes.Allocations));
    }

    [Fact]
    public void The_configuration_guide_lists_every_declared_name()
    {
        string row = Assert.Single(File.ReadLines(RepositoryFile("docs", "configuration.md")), l => l.StartsWith("| `OTEL_PROFILES_TYPES`", StringComparison.Ordinal));
        string accepted = row.Split('|')[4];
        accepted = accepted[..accepted.IndexOf('(', StringComparison.Ordinal)];

        Assert.Equal(
            ProfileSourceRegistry.Declared.Select(d => d.Name),
            Regex.Matches(accepted, "`([^`]+)`").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public void A_family_whose_type_has_no_name_is_caught()
    {
        var unnamed = new ProfileSourceFamily(
            "gc pauses", [new(NotAFlagYet, "", Samples: null)], ProfileSourceFamily.AlwaysAvailable, ProfileSourceFamily.NoNote, () => null!);

        Assert.Contains(DeclarationProblems([.. ProfileSourceRegistry.Families, unnamed]), p => p == $"gc pauses: {NotAFlagYet} has no valid name ''");
    }

    [Fact]
    public void A_name_that_maps_to_two_families_is_caught()
    {
        var clash = new ProfileSourceFamily(
            "gc pauses", [new(NotAFlagYet, "CPU", Samples: null)], ProfileSourceFamily.AlwaysAvailable, ProfileSourceFamily.NoNote, () => null!);

        Assert.Contains(DeclarationProblems([.. ProfileSourceRegistry.Families, clash]), p => p == "name cpu is declared by sampler, gc pauses");
    }

    [Fact]
    public void A_profile_type_flag_no_family_declares_is_caught()
    {
        var withoutInUse = ProfileSourceRegistry.Families
            .Select(f => f with { Declared = f.Declared.Where(d => d.Type != ProfileTypes.InUseMemory).ToList() })
            .ToList();

        Assert.Equal(["InUseMemory is declared by no family (it has no OTEL_PROFILES_TYPES name)"], DeclarationProblems(withoutInUse));
    }

    [Fact]
    public void A_type_two_families_declare_or_samples_counted_twice_are_caught()
    {
        var twice = new ProfileSourceFamily(
            "copy",
            [new(ProfileTypes.Wall, "wall2", SampleCounting.Values(SamplerSource.Wall))],
            ProfileSourceFamily.AlwaysAvailable,
            ProfileSourceFamily.NoNote,
            () => null!);
        var notCounts = new ProfileSourceFamily(
            "bytes",
            [new(NotAFlagYet, "gcbytes", SampleCounting.Values(new ProfileTypeDescriptor("gc_space", "bytes", "gc", "count")))],
            ProfileSourceFamily.AlwaysAvailable,
            ProfileSourceFamily.NoNote,
            () => null!);

        List<string> problems = DeclarationProblems([.. ProfileSourceRegistry.Families, twice, notCounts]);

        Assert.Contains("Wall is declared by sampler, copy", problems);
        Assert.Contains("samples of samples/count (wall/nanoseconds) are counted for wall, wall2", problems);
        Assert.Contains("bytes: gcbytes counts the values of gc_space/bytes, which are not counts", problems);
    }

    [Fact]
    public void Each_family_creates_its_own_source()
    {
        IReadOnlyList<IProfileSource> sources = ProfileSourceRegistry.CreateSources();

        Assert.Equal(ProfileSourceRegistry.Families, sources.Select(s => s.Family));
        Assert.Equal(sources.Count, sources.Distinct().Count());
    }

    private static string RepositoryFile(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine([directory.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// What would break parsing, the startup log or <c>otelprofiles.samples</c> if <paramref name="families"/> were
    /// registered: a type without a usable <c>OTEL_PROFILES_TYPES</c> name, a name (case-insensitive) or a flag
    /// declared twice, a public flag no family declares, a profile whose samples would count for two types, and
    /// sample counts summed from values that are not counts.
    /// </summary>
    private static List<string> DeclarationProblems(IReadOnlyList<ProfileSourceFamily> families)
    {
        var problems = new List<string>();
        var declared = families.SelectMany(f => f.Declared.Select(d => (Family: f.Name, Declared: d))).ToList();
        foreach ((string family, ProfileTypeDeclaration d) in declared)
        {
            if (!BitOperations.IsPow2((int)d.Type))
            {
                problems.Add($"{family}: {d.Type} is not a single flag");
            }

            // A name must survive the list syntax (comma-separated, trimmed) and must not read as "no type".
            if (d.Name is null || !Regex.IsMatch(d.Name, "^[a-z][a-z0-9_]*$") || d.Name == "none")
            {
                problems.Add($"{family}: {d.Type} has no valid name '{d.Name}'");
            }

            foreach (ProfileTypeDescriptor counted in d.Samples is { FromRows: null } ? d.Samples.Profiles : [])
            {
                if (counted.SampleUnit != "count")
                {
                    problems.Add($"{family}: {d.Name} counts the values of {counted.SampleType}/{counted.SampleUnit}, which are not counts");
                }
            }
        }

        foreach (var name in declared.GroupBy(x => x.Declared.Name ?? "", StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"name {name.Key.ToLowerInvariant()} is declared by {string.Join(", ", name.Select(x => x.Family))}");
        }

        foreach (var type in declared.GroupBy(x => x.Declared.Type).Where(g => g.Count() > 1))
        {
            problems.Add($"{type.Key} is declared by {string.Join(", ", type.Select(x => x.Family))}");
        }

        foreach (ProfileTypes flag in Enum.GetValues<ProfileTypes>().Where(t => t != ProfileTypes.None))
        {
            if (!declared.Any(x => x.Declared.Type == flag))
            {
                problems.Add($"{flag} is declared by no family (it has no OTEL_PROFILES_TYPES name)");
            }
        }

        // Profiles are told apart by their labels only (not by FixedPeriod, which is not a label).
        var countedProfiles = declared
            .SelectMany(x => (x.Declared.Samples?.Profiles ?? []).Select(p => (Labels: $"{p.SampleType}/{p.SampleUnit} ({p.PeriodType}/{p.PeriodUnit})", x.Declared.Name)))
            .Distinct();
        foreach (var profile in countedProfiles.GroupBy(x => x.Labels).Where(g => g.Count() > 1))
        {
            problems.Add($"samples of {profile.Key} are counted for {string.Join(", ", profile.Select(x => x.Name))}");
        }

        return problems;
    }
}
