using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

public sealed class DutyCycleTests
{
    [Theory]
    [InlineData(100, 1000, 1_000_000, 100, false)] // 100 Hz of a 1 kHz sampler: 100 ms of every second
    [InlineData(50, 1000, 1_000_000, 50, false)]
    [InlineData(1, 1000, 1_000_000, 10, false)]    // never below the minimum window
    [InlineData(100, 1000, 10_000_000, 1000, true)] // a 100 Hz runtime (DOTNET_EventPipeThreadSamplingRate=a) needs it always on
    [InlineData(950, 1000, 1_000_000, 1000, true)]  // no room for the stop latency: continuous
    [InlineData(100, 500, 1_000_000, 50, false)]
    public void Window_is_the_fraction_of_the_period_the_target_needs(int targetHz, int periodMs, long intervalNs, int expectedWindowMs, bool continuous)
    {
        DutyCycle cycle = DutyCycle.For(targetHz, TimeSpan.FromMilliseconds(periodMs), intervalNs);

        Assert.Equal(expectedWindowMs, cycle.Window.TotalMilliseconds, 3);
        Assert.Equal(continuous, cycle.Continuous);
        Assert.True(cycle.Continuous || cycle.Period - cycle.Window >= TimeSpan.FromMilliseconds(DutyCycle.StopLatencyAllowanceMs));
    }
}
