namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// A sampled allocation believed alive: where it is now, how big, where it was allocated, and what it stands for
/// in the estimate. <see cref="Confirmed"/> says when the GC or the allocation last vouched for it, to settle which
/// of two overlapping entries is the stale one.
/// </summary>
internal struct LiveObject
{
    public ulong Address;
    public ulong Size;
    public int StackId;
    public int Label;
    public int HeapKind;
    public double Objects;
    public double Bytes;
    public long Confirmed;

    /// <summary>Whether the object lives on the small object heap (the only heap gen0/gen1 GCs collect).</summary>
    public readonly bool IsSmall => HeapKind == Events.ProfileEvents.SmallObjectHeap;

    public readonly ulong End => Address + Math.Max(1UL, Size);
}
