using System.Buffers.Binary;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Memory;

/// <summary>
/// Reads the memory session: sampled allocations go to the allocations profile (counted at once, order does not
/// matter) and, with the GC's survival and movement events, to the live heap tracker (replayed in time order).
/// Runs on the session's reader thread; allocates only for a stack, row or type name never seen before.
/// </summary>
/// <remarks>
/// Payloads (pointers are 8 bytes: the memory profiles need a 64-bit process):
/// AllocationSampled v0: kind u32, clr u16, type handle ptr, type name string, address ptr, size u64, sampled byte offset u64.
/// GCStart v2: count u32, depth u32, reason u32, type u32, ... GCEnd v1: count u32, depth u32, clr u16.
/// GCGenerationRange: generation u8, start ptr, used length u64, reserved length u64, clr u16.
/// GCBulkMovedObjectRanges: index u32, count u32, clr u16, then count × (old start ptr, new start ptr, length u64).
/// GCBulkSurvivingObjectRanges: index u32, count u32, clr u16, then count × (start ptr, length u64).
/// </remarks>
internal sealed class MemoryEventsSink : INetTraceEventSink
{
    private const int RangesOffset = 10;

    private readonly LabelTable _types;
    private readonly ProfilerThreads _ownThreads;
    private readonly LiveHeapTracker? _liveHeap;
    private volatile AllocationRecorder? _allocations;

    public MemoryEventsSink(LabelTable types, ProfilerThreads ownThreads, AllocationRecorder? allocations, LiveHeapTracker? liveHeap)
    {
        _types = types;
        _ownThreads = ownThreads;
        _allocations = allocations;
        _liveHeap = liveHeap;
    }

    /// <summary>
    /// Where allocations are counted, or null: switching the allocations profile while in-use stays on must not
    /// reopen the session (that would end in-use tracking).
    /// </summary>
    public AllocationRecorder? Allocations
    {
        get => _allocations;
        set => _allocations = value;
    }

    /// <summary>Allocation events decoded (sampled or tick).</summary>
    public long AllocationEvents { get; private set; }

    public void OnHeader(NetTraceHeader header)
    {
    }

    public void OnSequencePoint() => _liveHeap?.ReleaseUpTo(long.MaxValue);

    public void OnEvent(in NetTraceEvent traceEvent)
    {
        if (traceEvent.Metadata.ProviderName == RuntimeEvents.RuntimeProvider)
        {
            Dispatch(traceEvent);
        }

        if (traceEvent.IsSorted)
        {
            _liveHeap?.ReleaseUpTo(traceEvent.Timestamp);
        }
    }

    private void Dispatch(in NetTraceEvent traceEvent)
    {
        ReadOnlySpan<byte> payload = traceEvent.Payload;
        long timestamp = traceEvent.Timestamp;
        switch (traceEvent.Metadata.EventId)
        {
            case ProfileEvents.AllocationSampled:
                OnAllocationSampled(traceEvent);
                break;
            case ProfileEvents.GCStart when _liveHeap is not null && payload.Length >= 12:
                uint type = payload.Length >= 16 ? BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]) : 0;
                _liveHeap.OnGcEvent(HeapEvent.GcStart(timestamp, BinaryPrimitives.ReadUInt32LittleEndian(payload), BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), type));
                break;
            case ProfileEvents.GCEnd when _liveHeap is not null && payload.Length >= 4:
                _liveHeap.OnGcEvent(HeapEvent.GcEnd(timestamp, BinaryPrimitives.ReadUInt32LittleEndian(payload)));
                break;
            case ProfileEvents.GCGenerationRange when _liveHeap is not null && payload.Length >= 25:
                ulong start = BinaryPrimitives.ReadUInt64LittleEndian(payload[1..]);
                ulong used = BinaryPrimitives.ReadUInt64LittleEndian(payload[9..]);
                ulong reserved = BinaryPrimitives.ReadUInt64LittleEndian(payload[17..]);
                _liveHeap.OnGcEvent(HeapEvent.GenerationRange(timestamp, payload[0], start, start + Math.Max(used, reserved)));
                break;
            case ProfileEvents.GCBulkMovedObjectRanges when _liveHeap is not null:
                for (int offset = RangesOffset; offset + 24 <= payload.Length; offset += 24)
                {
                    _liveHeap.OnGcEvent(HeapEvent.Moved(
                        timestamp,
                        BinaryPrimitives.ReadUInt64LittleEndian(payload[offset..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(payload[(offset + 8)..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(payload[(offset + 16)..])));
                }

                break;
            case ProfileEvents.GCBulkSurvivingObjectRanges when _liveHeap is not null:
                for (int offset = RangesOffset; offset + 16 <= payload.Length; offset += 16)
                {
                    _liveHeap.OnGcEvent(HeapEvent.Survived(
                        timestamp,
                        BinaryPrimitives.ReadUInt64LittleEndian(payload[offset..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(payload[(offset + 8)..])));
                }

                break;
            case ProfileEvents.GCRestartEEEnd or ProfileEvents.GCGlobalHeapHistory when _liveHeap is not null:
                _liveHeap.OnGcEvent(HeapEvent.Boundary(timestamp));
                break;
        }
    }

    private void OnAllocationSampled(in NetTraceEvent traceEvent)
    {
        var reader = new PayloadReader(traceEvent.Payload);
        int heapKind = reader.ReadInt32();
        _ = reader.ReadUInt16(); // clr instance
        ulong typeHandle = reader.ReadUInt64();
        ReadOnlySpan<char> typeName = reader.ReadStringSpan();
        ulong address = reader.ReadUInt64();
        ulong size = reader.ReadUInt64();
        AllocationEvents++;
        if (_ownThreads.Contains(traceEvent.ThreadId))
        {
            return; // the profiler's own allocations are not the application's
        }

        int label = _types.ForHandle(typeHandle, typeName);
        Allocations?.RecordSampled(traceEvent.Stack, traceEvent.ThreadId, label, size, SampleContextTracker.At(traceEvent.ThreadId, traceEvent.Timestamp));
        _liveHeap?.OnAllocation(traceEvent.Timestamp, traceEvent.Stack, label, heapKind, address, size);
    }
}
