using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

public sealed class SamplerPauseMeterTests
{
    [Fact]
    public void Counts_the_sampler_s_pauses_from_suspend_to_restart_in_the_stream_s_clock()
    {
        var meter = new SamplerPauseMeter();
        meter.OnHeader(qpcFrequency: 10_000_000); // 100 ns per QPC tick

        meter.OnSuspendBegin(1_000, RuntimeEvents.SuspendReasonOther);
        meter.OnRestartEnd(3_000);                // 2000 QPC ticks = 200 µs
        meter.OnSuspendBegin(20_000, RuntimeEvents.SuspendReasonOther);
        meter.OnRestartEnd(21_000);               // 100 µs

        SamplerPauses window = meter.TakeWindow();
        Assert.Equal(2, window.Count);
        Assert.Equal(TimeSpan.FromMicroseconds(300), window.Total);
        Assert.Equal(TimeSpan.FromMicroseconds(150), window.PerTick);
        Assert.Equal(300_000, meter.TakeIntervalPausedNs());
        Assert.Equal(0, meter.TakeIntervalPausedNs());
    }

    [Theory]
    [InlineData(1)] // SUSPEND_FOR_GC
    [InlineData(6)] // SUSPEND_FOR_GC_PREP
    public void A_garbage_collection_s_pause_is_not_the_sampler_s_cost(int reason)
    {
        var meter = new SamplerPauseMeter();
        meter.OnSuspendBegin(1_000, reason);
        meter.OnRestartEnd(900_000);

        Assert.Equal(0, meter.TakeWindow().Count);
        Assert.Equal(0, meter.TakeIntervalPausedNs());
    }

    [Fact]
    public void A_restart_without_its_suspend_and_a_suspend_cut_off_by_the_window_s_end_count_nothing()
    {
        var meter = new SamplerPauseMeter();
        meter.OnRestartEnd(5_000);
        meter.OnSuspendBegin(6_000, RuntimeEvents.SuspendReasonOther);
        Assert.Equal(0, meter.TakeWindow().Count);

        // The next window's first restart must not close the pause the last window's stream cut off.
        meter.OnRestartEnd(9_000_000);
        Assert.Equal(0, meter.TakeWindow().Count);
    }
}
