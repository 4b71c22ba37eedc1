namespace OtelProfiles.Collection.NetTrace;

/// <summary>
/// One decoded event of a nettrace stream, valid only during the callback that receives it
/// (the payload and stack spans point into the reader's reusable buffers).
/// </summary>
internal readonly ref struct NetTraceEvent
{
    public NetTraceEvent(EventMetadata metadata, long threadId, long timestamp, ReadOnlySpan<byte> payload, ReadOnlySpan<ulong> stack, bool isSorted = false)
    {
        Metadata = metadata;
        ThreadId = threadId;
        Timestamp = timestamp;
        Payload = payload;
        Stack = stack;
        IsSorted = isSorted;
    }

    /// <summary>Which provider and event this is.</summary>
    public EventMetadata Metadata { get; }

    /// <summary>The OS thread the event describes (for a sample: the sampled thread).</summary>
    public long ThreadId { get; }

    /// <summary>QPC timestamp (see <see cref="NetTraceHeader.QpcFrequency"/>).</summary>
    public long Timestamp { get; }

    /// <summary>The raw event payload.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Instruction pointers, innermost frame first; empty when the event carries no stack.</summary>
    public ReadOnlySpan<ulong> Stack { get; }

    /// <summary>
    /// The writer's "sorted" mark: no event after this one in the stream has an earlier timestamp. Events of
    /// different threads are not written in time order, so a sink that needs order (the live heap tracker) can
    /// release everything it buffered up to this event's timestamp.
    /// </summary>
    public bool IsSorted { get; }
}

/// <summary>What a metadata id stands for: a provider's event.</summary>
internal sealed record EventMetadata(int MetadataId, string ProviderName, int EventId, string EventName, int Version);

/// <summary>The trace object at the start of every nettrace stream.</summary>
internal sealed record NetTraceHeader(long SyncTimeQpc, long QpcFrequency, DateTime SyncTimeUtc, int PointerSize, int ProcessId, int ProcessorCount, int ExpectedCpuSamplingRateNs);
