using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;

namespace OtelProfiles.Tests.Collection.LiveHeap;

public sealed class LiveHeapTrackerTests
{
    [Fact]
    public void Snapshot_sums_the_weights_of_live_objects_by_stack_and_type_after_replaying_in_time_order()
    {
        var tracker = new LiveHeapTracker();

        // The GC's events reach the reader before an allocation that happened earlier on another thread.
        tracker.OnGcEvent(HeapEvent.GcStart(20, 1, 0, 0));
        tracker.OnGcEvent(HeapEvent.GenerationRange(21, 0, 0x1000, 0x8000));
        tracker.OnGcEvent(HeapEvent.Moved(22, 0x1000, 0x1_0000, 0x800));
        tracker.OnGcEvent(HeapEvent.GcEnd(23, 1));
        tracker.OnAllocation(10, [0xA, 0xB], typeLabel: 1, heapKind: 0, address: 0x1000, size: 1000);
        tracker.OnAllocation(11, [0xA, 0xB], typeLabel: 1, heapKind: 0, address: 0x1400, size: 1000);
        tracker.OnAllocation(12, [0xC], typeLabel: 2, heapKind: 0, address: 0x4000, size: 500); // not reported: dies
        Assert.Empty(tracker.Snapshot().Rows); // nothing replayed before the stream says it is complete

        tracker.ReleaseUpTo(long.MaxValue);

        var rows = tracker.Snapshot().Rows.ToList();
        var row = Assert.Single(rows);
        Assert.Equal(1, row.Key.Label);
        Assert.Equal(2 * AllocationWeights.Objects(1000), row.Value.First, 6);
        Assert.Equal(2 * AllocationWeights.Bytes(1000), row.Value.Second, 6);
        Assert.Equal(2, tracker.Count);
    }
}
