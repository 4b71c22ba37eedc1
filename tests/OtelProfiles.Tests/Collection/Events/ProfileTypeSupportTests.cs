using OtelProfiles.Collection.Events;

namespace OtelProfiles.Tests.Collection.Events;

public sealed class ProfileTypeSupportTests
{
    [Fact]
    public void A_64_bit_process_supports_every_type()
    {
        var support = ProfileTypeSupport.For(8, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypeSupport.EventTypes, support.Available);
        Assert.Empty(support.Unavailable);
        Assert.True(support.BackgroundGC);
    }

    [Fact]
    public void This_process_is_detected_as_it_runs()
    {
        var support = ProfileTypeSupport.Detect();
        Assert.Equal(Environment.Is64BitProcess, support.Available.HasFlag(ProfileTypes.InUseMemory));
        Assert.Equal(System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.Batch, support.BackgroundGC);
    }

    [Fact]
    public void A_32_bit_process_has_no_memory_profiles()
    {
        var support = ProfileTypeSupport.For(4, backgroundGC: true);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Contention | ProfileTypes.Exceptions, support.Available);
        Assert.Equal([ProfileTypes.Allocations, ProfileTypes.InUseMemory], support.Unavailable.Keys.Order());
    }
}
