using OtelProfiles.Configuration;
using OtelProfiles.ProfileSources;

namespace OtelProfiles.Tests.ProfileSources;

public sealed class ProfileSourceRegistryTests
{
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
    public void Each_family_creates_its_own_source()
    {
        IReadOnlyList<IProfileSource> sources = ProfileSourceRegistry.CreateSources();

        Assert.Equal(ProfileSourceRegistry.Families, sources.Select(s => s.Family));
        Assert.Equal(sources.Count, sources.Distinct().Count());
    }
}
