using OtelProfiles.Aggregation;

namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// The in-use memory profile: follows every sampled allocation through the GCs that come after it (see
/// <see cref="GcReplay"/>) and, at the end of each interval, sums the weights of those still alive per allocation
/// stack and type. Fed by the memory events reader (decode, intern the stack, buffer); replay happens when the
/// stream says events up to a time are complete. Long-lived: tracked objects carry over from interval to interval.
/// </summary>
internal sealed class LiveHeapTracker
{
    /// <summary>At the default sampling rate, about 100 GB of live heap.</summary>
    public const int MaxObjects = 1_000_000;

    private readonly object _gate = new();
    private readonly HeapEventBuffer _buffer = new();
    private readonly LiveObjectSet _objects = new();
    private readonly GcReplay _replay;
    private readonly Action<HeapEvent> _replayOne;
    private StackInterner _stacks = new();

    public LiveHeapTracker()
    {
        _replay = new GcReplay(_objects);
        _replayOne = Replay;
    }

    /// <summary>Sampled allocations not tracked because <see cref="MaxObjects"/> were already.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Objects tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _objects.Count;
            }
        }
    }

    /// <summary>The GC replay's counters (for diagnostics and tests).</summary>
    public GcReplay Statistics => _replay;

    /// <summary>A sampled allocation, in stream order, at <paramref name="address"/> with <paramref name="size"/> bytes.</summary>
    public void OnAllocation(long timestamp, ReadOnlySpan<ulong> stack, int typeLabel, int heapKind, ulong address, ulong size)
    {
        lock (_gate)
        {
            int stackId = _stacks.Intern(stack);
            _buffer.Add(HeapEvent.Allocation(timestamp, address, size, heapKind, stackId, typeLabel), _replayOne);
        }
    }

    /// <summary>A GC event, in stream order.</summary>
    public void OnGcEvent(in HeapEvent heapEvent)
    {
        lock (_gate)
        {
            _buffer.Add(heapEvent, _replayOne);
        }
    }

    /// <summary>The stream guarantees nothing older than <paramref name="timestamp"/> is still to come.</summary>
    public void ReleaseUpTo(long timestamp)
    {
        lock (_gate)
        {
            _buffer.ReleaseUpTo(timestamp, _replayOne);
            if (_buffer.Count == 0)
            {
                CompactStacksIfWorthIt();
            }
        }
    }

    /// <summary>In-use objects (first value) and bytes (second value) per allocation stack and type, now.</summary>
    public EventSampleTable Snapshot()
    {
        var table = new EventSampleTable();
        lock (_gate)
        {
            foreach (ref readonly LiveObject item in _objects.Items)
            {
                table.Add(_stacks.Get(item.StackId), 0, item.Label, item.Objects, item.Bytes);
            }
        }

        return table;
    }

    private void Replay(HeapEvent heapEvent)
    {
        if (heapEvent.Kind != HeapEventKind.Allocation)
        {
            _replay.Replay(heapEvent);
            return;
        }

        if (_objects.Count >= MaxObjects)
        {
            Overflowed++;
            _replay.Replay(HeapEvent.Boundary(heapEvent.Timestamp));
            return;
        }

        ulong size = heapEvent.B;
        _replay.OnAllocation(new LiveObject
        {
            Address = heapEvent.A,
            Size = size,
            HeapKind = (int)heapEvent.C,
            StackId = heapEvent.I,
            Label = heapEvent.J,
            Objects = Events.AllocationWeights.Objects(size),
            Bytes = Events.AllocationWeights.Bytes(size),
        });
    }

    /// <summary>
    /// Most sampled allocations die young, but their stacks stay interned; when most interned stacks belong to no
    /// tracked object any more, the interner is rebuilt with the live ones. Only called with nothing buffered, so
    /// no buffered allocation holds an old stack id.
    /// </summary>
    private void CompactStacksIfWorthIt()
    {
        if (_stacks.Count < 4096 || _stacks.Count < 4 * _objects.Count)
        {
            return;
        }

        var compacted = new StackInterner();
        var map = new int[_stacks.Count];
        Array.Fill(map, -1);
        foreach (ref LiveObject item in _objects.Items)
        {
            ref int mapped = ref map[item.StackId];
            if (mapped < 0)
            {
                mapped = compacted.Intern(_stacks.Get(item.StackId));
            }

            item.StackId = mapped;
        }

        _stacks = compacted;
    }
}
