namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// One decoded event the live heap tracker replays, kept small and allocation-free so it can wait in the
/// time-ordering buffer: events of different threads reach the reader out of time order (by up to a few hundred
/// milliseconds), and an allocation must be replayed against the GCs that really came after it.
/// </summary>
internal readonly record struct HeapEvent(long Timestamp, long Sequence, HeapEventKind Kind, ulong A, ulong B, ulong C, int I, int J)
{
    /// <summary>An allocation: A = address, B = size, C = kind (small/large/pinned heap), I = stack id, J = type label.</summary>
    public static HeapEvent Allocation(long timestamp, ulong address, ulong size, int heapKind, int stackId, int typeLabel) =>
        new(timestamp, 0, HeapEventKind.Allocation, address, size, (ulong)heapKind, stackId, typeLabel);

    /// <summary>GCStart: A = count, B = condemned generation, C = type (0 blocking, 1 background, 2 foreground).</summary>
    public static HeapEvent GcStart(long timestamp, uint count, uint depth, uint type) =>
        new(timestamp, 0, HeapEventKind.GcStart, count, depth, type, 0, 0);

    /// <summary>GCEnd: A = count.</summary>
    public static HeapEvent GcEnd(long timestamp, uint count) => new(timestamp, 0, HeapEventKind.GcEnd, count, 0, 0, 0, 0);

    /// <summary>One region of a generation: A = start, B = end (start + reserved length), I = generation.</summary>
    public static HeapEvent GenerationRange(long timestamp, int generation, ulong start, ulong end) =>
        new(timestamp, 0, HeapEventKind.GenerationRange, start, end, 0, generation, 0);

    /// <summary>Objects that moved: A = old start, B = new start, C = length.</summary>
    public static HeapEvent Moved(long timestamp, ulong oldStart, ulong newStart, ulong length) =>
        new(timestamp, 0, HeapEventKind.Moved, oldStart, newStart, length, 0, 0);

    /// <summary>Objects that survived in place: A = start, C = length.</summary>
    public static HeapEvent Survived(long timestamp, ulong start, ulong length) =>
        new(timestamp, 0, HeapEventKind.Survived, start, 0, length, 0, 0);

    /// <summary>A GC event that cannot happen while the GC walks the heap (runtime restarted, heap history).</summary>
    public static HeapEvent Boundary(long timestamp) => new(timestamp, 0, HeapEventKind.Boundary, 0, 0, 0, 0, 0);

    public HeapEvent WithSequence(long sequence) => this with { Sequence = sequence };
}

internal enum HeapEventKind : byte
{
    Allocation,
    GcStart,
    GcEnd,
    GenerationRange,
    Moved,
    Survived,
    Boundary,
}
