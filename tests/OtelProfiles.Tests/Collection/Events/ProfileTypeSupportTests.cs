using OtelProfiles.ProfileSources;
using OtelProfiles.ProfileSources.Memory;

namespace OtelProfiles.Tests.Collection.Events;

public sealed class ProfileTypeSupportTests
{
    [Fact]
    public void Net10_64_bit_supports_every_type_with_randomized_allocation_sampling()
    {
        var support = ProfileTypeSupport.For(new Version(10, 0), 8, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions, support.Available);
        Assert.Empty(support.Unavailable);
        Assert.Equal(AllocationSource.Sampled, MemorySource.AllocationSourceOn(support.Runtime));
        Assert.True(support.Runtime.BackgroundGC);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Net8_and_9_fall_back_to_the_allocation_tick_and_have_no_in_use(int major)
    {
        var support = ProfileTypeSupport.For(new Version(major, 0), 8, backgroundGC: false);
        Assert.Equal(AllocationSource.Tick, MemorySource.AllocationSourceOn(support.Runtime));
        Assert.True(support.Available.HasFlag(ProfileTypes.Allocations));
        Assert.False(support.Available.HasFlag(ProfileTypes.InUseMemory));
        Assert.Contains(".NET 10", support.Unavailable[ProfileTypes.InUseMemory], StringComparison.Ordinal);
    }

    [Fact]
    public void A_32_bit_process_has_no_memory_profiles()
    {
        var support = ProfileTypeSupport.For(new Version(10, 0), 4, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Contention | ProfileTypes.Exceptions, support.Available);
        Assert.Equal([ProfileTypes.Allocations, ProfileTypes.InUseMemory], support.Unavailable.Keys.Order());
    }
}
