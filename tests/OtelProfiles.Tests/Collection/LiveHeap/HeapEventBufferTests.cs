using OtelProfiles.Collection.LiveHeap;

namespace OtelProfiles.Tests.Collection.LiveHeap;

public sealed class HeapEventBufferTests
{
    [Fact]
    public void Releases_in_time_order_only_what_is_not_newer_than_the_sorted_point()
    {
        var buffer = new HeapEventBuffer();
        var replayed = new List<long>();
        foreach (long time in new long[] { 30, 10, 20, 50, 40 })
        {
            buffer.Add(HeapEvent.Boundary(time), e => replayed.Add(e.Timestamp));
        }

        buffer.ReleaseUpTo(35, e => replayed.Add(e.Timestamp));
        Assert.Equal([10, 20, 30], replayed);
        Assert.Equal(2, buffer.Count);

        buffer.ReleaseUpTo(long.MaxValue, e => replayed.Add(e.Timestamp));
        Assert.Equal([10, 20, 30, 40, 50], replayed);
    }

    [Fact]
    public void Events_with_the_same_time_keep_stream_order()
    {
        var buffer = new HeapEventBuffer();
        var replayed = new List<ulong>();
        for (uint i = 0; i < 100; i++)
        {
            buffer.Add(HeapEvent.GcEnd(7, i), e => replayed.Add(e.A));
        }

        buffer.ReleaseUpTo(7, e => replayed.Add(e.A));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (ulong)i), replayed);
    }
}
