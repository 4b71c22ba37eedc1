namespace OtelProfiles.Collection.NetTrace;

/// <summary>
/// The FastSerialization tags that frame every object of a nettrace stream (PerfView's <c>Tags</c>; only those
/// EventPipe writes are listed).
/// </summary>
internal static class FastSerializationTags
{
    public const byte NullReference = 1;
    public const byte BeginPrivateObject = 5;
    public const byte EndObject = 6;
}

/// <summary>The <c>Flags</c> field of an EventBlock or MetadataBlock header (PerfView's <c>EventBlockFlags</c>).</summary>
[Flags]
internal enum EventBlockFlags : short
{
    None = 0,

    /// <summary>Event headers are written in the compressed form: a <see cref="CompressedHeaderFlags"/> byte, then deltas.</summary>
    HeaderCompression = 1,
}

/// <summary>
/// The first byte of a compressed event header: which fields follow (the others repeat the previous event's
/// value), and whether the event is sorted. Same names and bits as PerfView's <c>CompressedHeaderFlags</c>.
/// </summary>
[Flags]
internal enum CompressedHeaderFlags : byte
{
    None = 0,
    MetadataId = 1 << 0,

    /// <summary>A sequence number delta, the capture thread id and the processor number follow.</summary>
    CaptureThreadAndSequence = 1 << 1,
    ThreadId = 1 << 2,
    StackId = 1 << 3,
    ActivityId = 1 << 4,
    RelatedActivityId = 1 << 5,

    /// <summary>Set when the event is sorted: no later event in the stream has an earlier timestamp.</summary>
    Sorted = 1 << 6,
    DataLength = 1 << 7,
}

/// <summary>
/// The layout of an EventBlock or MetadataBlock header: its size and flags, then fields this reader skips (the
/// min and max timestamps). Events start as many bytes into the block as the header size at <see cref="HeaderSizeOffset"/> says.
/// </summary>
internal static class EventBlockHeader
{
    /// <summary>Offset of the 16-bit header size.</summary>
    public const int HeaderSizeOffset = 0;

    /// <summary>Offset of the 16-bit <see cref="EventBlockFlags"/>.</summary>
    public const int FlagsOffset = 2;
}

/// <summary>
/// The layout of an uncompressed (nettrace v4) event header, every field little-endian, followed by the payload
/// and padding to a 4-byte boundary. Offsets are from the start of the header.
/// </summary>
internal static class UncompressedEventHeader
{
    /// <summary>Size of the event after this field (32 bits).</summary>
    public const int EventSizeOffset = 0;

    /// <summary>The metadata id in the low 31 bits, and <see cref="NotSortedBit"/>.</summary>
    public const int MetadataIdOffset = 4;
    public const int SequenceNumberOffset = 8;
    public const int ThreadIdOffset = 12;
    public const int CaptureThreadIdOffset = 20;
    public const int ProcessorNumberOffset = 28;
    public const int StackIdOffset = 32;
    public const int TimestampOffset = 36;
    public const int ActivityIdOffset = 44;
    public const int RelatedActivityIdOffset = 60;
    public const int PayloadSizeOffset = 76;

    /// <summary>The size of the header: the payload starts here.</summary>
    public const int Size = 80;

    /// <summary>
    /// The high bit of the metadata id field. The runtime sets it when the event is <em>not</em> sorted
    /// (ep-block.c: <c>metadata_id |= !is_sorted_event ? 1 &lt;&lt; 31 : 0</c>), the opposite sense of
    /// <see cref="CompressedHeaderFlags.Sorted"/>.
    /// </summary>
    public const uint NotSortedBit = 0x8000_0000;

    public const int MetadataIdMask = 0x7FFF_FFFF;
}
