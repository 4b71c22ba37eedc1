using OtelProfiles.Collection.LiveHeap;

namespace OtelProfiles.Tests.Collection.LiveHeap;

/// <summary>The GC replay on hand-made event sequences shaped like the runtime's (see GcReplay's remarks).</summary>
public sealed class GcReplayTests
{
    private const int Small = 0;
    private const int Large = 1;

    private readonly LiveObjectSet _objects = new();
    private readonly GcReplay _replay;
    private long _time;

    public GcReplayTests() => _replay = new GcReplay(_objects);

    [Fact]
    public void A_gen0_collection_moves_survivors_kills_the_rest_of_gen0_and_leaves_older_objects_alone()
    {
        Allocate(0x1000, 0x100, label: 1);
        Allocate(0x2000, 0x100, label: 2);
        Allocate(0x10_000, 0x100, label: 3);            // in gen2
        Allocate(0x30_000, 0x20_000, label: 4, Large);  // large object heap

        StartBlocking(count: 1, depth: 0);
        Moved(0x1000, 0x11_000, 0x100);
        Replay(HeapEvent.GcEnd(++_time, 1));

        Assert.Equal([(0x10_000UL, 3), (0x11_000UL, 1), (0x30_000UL, 4)], Live().Order());
        Assert.Equal(1, _replay.Died);
    }

    [Fact]
    public void A_gen2_collection_kills_every_object_it_does_not_report()
    {
        Allocate(0x1000, 0x100, label: 1);
        Allocate(0x10_000, 0x100, label: 3);
        Allocate(0x30_000, 0x20_000, label: 4, Large);

        StartBlocking(count: 1, depth: 2);
        Survived(0x30_000, 0x20_000);
        Replay(HeapEvent.GcEnd(++_time, 1));

        Assert.Equal([(0x30_000UL, 4)], Live());
    }

    [Fact]
    public void A_background_gc_decides_at_its_final_walk_for_every_generation_it_covers()
    {
        Allocate(0x1000, 0x100, label: 1);              // young, alive
        Allocate(0x2000, 0x100, label: 2);              // young, freed by the background GC's own gen0/gen1 work
        Allocate(0x10_000, 0x100, label: 3);            // gen2, alive
        Allocate(0x30_000, 0x20_000, label: 4, Large);  // large, swept

        Replay(HeapEvent.GcStart(++_time, 2, 2, 1));
        Ranges();
        Replay(HeapEvent.Boundary(++_time));            // the runtime restarts; the app allocates meanwhile
        Allocate(0x3000, 0x100, label: 5);
        Survived(0x1000, 0x100);
        Survived(0x3000, 0x100);
        Survived(0x10_000, 0x100);
        Replay(HeapEvent.Boundary(++_time));
        Replay(HeapEvent.GcEnd(++_time, 2));

        Assert.Equal([(0x1000UL, 1), (0x3000UL, 5), (0x10_000UL, 3)], Live().Order());
        Assert.Equal(1, _replay.BackgroundWalks);
    }

    [Fact]
    public void A_background_walk_that_reports_no_young_object_only_judges_older_ones()
    {
        Allocate(0x1000, 0x100, label: 1);              // young: not judged by a gen2-only walk
        Allocate(0x10_000, 0x100, label: 3);            // gen2, swept

        Replay(HeapEvent.GcStart(++_time, 2, 2, 1));
        Ranges();
        Replay(HeapEvent.Boundary(++_time));
        Survived(0x12_000, 0x100);                      // something else in gen2
        Replay(HeapEvent.GcEnd(++_time, 2));

        Assert.Equal([(0x1000UL, 1)], Live());
    }

    [Fact]
    public void Moves_inside_a_background_gc_are_replayed_as_the_collection_they_are()
    {
        Allocate(0x1000, 0x100, label: 1);
        Allocate(0x2000, 0x100, label: 2);

        Replay(HeapEvent.GcStart(++_time, 2, 2, 1));
        Ranges();
        Moved(0x1000, 0x8_000, 0x100);                  // the gen0 collection it starts with, reported this time
        Replay(HeapEvent.Boundary(++_time));

        Assert.Equal([(0x8_000UL, 1)], Live());
    }

    [Fact]
    public void An_entry_where_a_move_wrote_other_objects_is_stale()
    {
        Allocate(0x10_000, 0x100, label: 3);            // gen2: its object died unseen and the space was reused
        Allocate(0x1000, 0x100, label: 1);

        StartBlocking(count: 1, depth: 1);
        Moved(0x1000, 0x10_000, 0x100);
        Replay(HeapEvent.GcEnd(++_time, 1));

        Assert.Equal([(0x10_000UL, 1)], Live());
        Assert.Equal(1, _replay.StaleDropped);
    }

    [Fact]
    public void An_entry_that_sticks_out_of_its_reported_range_is_stale()
    {
        Allocate(0x1000, 0x400, label: 1);

        StartBlocking(count: 1, depth: 0);
        Survived(0x0F00, 0x200);                        // a run of objects ending inside the entry: it is not there
        Replay(HeapEvent.GcEnd(++_time, 1));

        Assert.Empty(Live());
        Assert.Equal(1, _replay.StaleDropped);
    }

    [Fact]
    public void Of_two_overlapping_entries_the_newer_one_stays()
    {
        Allocate(0x10_000, 0x100, label: 3);            // stale: its memory went back to the allocator
        Allocate(0x10_080, 0x100, label: 6);            // a new object there

        StartBlocking(count: 1, depth: 0);
        Replay(HeapEvent.GcEnd(++_time, 1));

        Assert.Equal([(0x10_080UL, 6)], Live());
    }

    [Fact]
    public void Ranges_outside_any_gc_are_ignored()
    {
        Allocate(0x1000, 0x100, label: 1);
        Moved(0x1000, 0x9000, 0x100);

        Assert.Equal([(0x1000UL, 1)], Live());
        Assert.Equal(1, _replay.StrayRanges);
    }

    private void StartBlocking(uint count, uint depth)
    {
        Replay(HeapEvent.GcStart(++_time, count, depth, 0));
        Ranges();
    }

    // One region per generation: gen0 [0x1000, 0x8000), gen1 [0x8000, 0x10000), gen2 [0x10000, 0x20000), LOH [0x30000, 0x80000).
    private void Ranges()
    {
        Replay(HeapEvent.GenerationRange(++_time, 0, 0x1000, 0x8000));
        Replay(HeapEvent.GenerationRange(++_time, 1, 0x8000, 0x10_000));
        Replay(HeapEvent.GenerationRange(++_time, 2, 0x10_000, 0x20_000));
        Replay(HeapEvent.GenerationRange(++_time, 3, 0x30_000, 0x80_000));
    }

    private void Allocate(ulong address, ulong size, int label, int heapKind = Small) =>
        _replay.OnAllocation(new LiveObject { Address = address, Size = size, Label = label, HeapKind = heapKind, Objects = 1, Bytes = size });

    private void Moved(ulong from, ulong to, ulong length) => Replay(HeapEvent.Moved(++_time, from, to, length));

    private void Survived(ulong start, ulong length) => Replay(HeapEvent.Survived(++_time, start, length));

    private void Replay(HeapEvent heapEvent) => _replay.Replay(heapEvent);

    private List<(ulong Address, int Label)> Live() => _objects.Items.ToArray().Select(o => (o.Address, o.Label)).ToList();
}
