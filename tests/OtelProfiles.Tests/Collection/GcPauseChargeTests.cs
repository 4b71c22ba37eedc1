using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

/// <summary>The estimate of the GC pauses' extra length, from readings the test controls.</summary>
public sealed class GcPauseChargeTests
{
    [Fact]
    public void Charges_its_share_of_the_pauses_of_the_collections_since_the_last_take()
    {
        var readings = new Queue<GcPauseReading>([new(10, TimeSpan.FromMilliseconds(5)), new(110, TimeSpan.FromMilliseconds(65))]);
        var charge = new GcPauseCharge(readings.Dequeue);

        // 100 collections of 600 µs each since the first reading.
        TimeSpan extra = charge.Take();

        Assert.Equal(TimeSpan.FromMilliseconds(60) * GcPauseCharge.ExtraShareOfPause, extra);
    }

    [Fact]
    public void A_long_pause_is_charged_at_most_the_most_per_collection()
    {
        // Two collections of 40 ms (a big heap's own data): the profiler's few threads and sessions are not 12 ms of it.
        var readings = new Queue<GcPauseReading>([new(0, TimeSpan.Zero), new(2, TimeSpan.FromMilliseconds(80))]);
        var charge = new GcPauseCharge(readings.Dequeue);

        Assert.Equal(GcPauseCharge.MaxExtraPerCollection * 2, charge.Take());
    }

    [Fact]
    public void No_collection_since_the_last_take_charges_nothing()
    {
        var readings = new Queue<GcPauseReading>([new(7, TimeSpan.FromMilliseconds(3)), new(7, TimeSpan.FromMilliseconds(3))]);
        var charge = new GcPauseCharge(readings.Dequeue);

        Assert.Equal(TimeSpan.Zero, charge.Take());
    }

    [Fact]
    public void The_process_readings_grow_with_a_forced_collection()
    {
        GcPauseReading before = GcPauseReading.OfThisProcess();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GcPauseReading after = GcPauseReading.OfThisProcess();

        Assert.True(after.Collections > before.Collections);
        Assert.True(after.Paused > before.Paused);
    }
}
