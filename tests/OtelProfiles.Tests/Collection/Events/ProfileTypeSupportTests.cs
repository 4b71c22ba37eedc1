using OtelProfiles.ProfileSources;

namespace OtelProfiles.Tests.Collection.Events;

public sealed class ProfileTypeSupportTests
{
    [Fact]
    public void Net10_64_bit_supports_every_type_with_randomized_allocation_sampling()
    {
        var support = ProfileTypeSupport.For(new Version(10, 0), 8, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions, support.Available);
        Assert.Empty(support.Unavailable);
        Assert.True(support.Runtime.BackgroundGC);
    }

    [Fact]
    public void A_32_bit_process_has_no_memory_profiles()
    {
        var support = ProfileTypeSupport.For(new Version(10, 0), 4, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Contention | ProfileTypes.Exceptions, support.Available);
        Assert.Equal([ProfileTypes.Allocations, ProfileTypes.InUseMemory], support.Unavailable.Keys.Order());
    }
}
