namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// Puts the tracker's events back in time order. The nettrace writer does not sort events of different threads,
/// but it guarantees that nothing after a sequence point, and nothing after an event flagged "sorted", is older than
/// that point: events up to such a timestamp can be replayed, sorted, and the rest wait. Ties keep stream order.
/// </summary>
internal sealed class HeapEventBuffer
{
    // Far more than a few hundred milliseconds of events; reaching it means the stream stopped flagging sorted
    // points, and replaying slightly out of order beats growing without bound.
    private const int MaxPending = 4_000_000;

    private static readonly Comparison<HeapEvent> ByTime = (a, b) =>
        a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Sequence.CompareTo(b.Sequence);

    private HeapEvent[] _pending = new HeapEvent[1024];
    private int _count;
    private long _sequence;

    /// <summary>Events waiting for a sorted point.</summary>
    public int Count => _count;

    /// <summary>Times the buffer was full and released everything early.</summary>
    public long Overflows { get; private set; }

    public void Add(in HeapEvent heapEvent, Action<HeapEvent> replay)
    {
        if (_count == _pending.Length)
        {
            if (_count >= MaxPending)
            {
                Overflows++;
                ReleaseUpTo(long.MaxValue, replay);
            }
            else
            {
                Array.Resize(ref _pending, _pending.Length * 2);
            }
        }

        _pending[_count++] = heapEvent.WithSequence(_sequence++);
    }

    /// <summary>Replays, in time order, every buffered event not newer than <paramref name="timestamp"/>.</summary>
    public void ReleaseUpTo(long timestamp, Action<HeapEvent> replay)
    {
        if (_count == 0)
        {
            return;
        }

        Span<HeapEvent> pending = _pending.AsSpan(0, _count);
        pending.Sort(ByTime);
        int released = 0;
        while (released < _count && _pending[released].Timestamp <= timestamp)
        {
            replay(_pending[released]);
            released++;
        }

        if (released > 0)
        {
            Array.Copy(_pending, released, _pending, 0, _count - released);
            _count -= released;
        }
    }

    /// <summary>Forgets everything buffered.</summary>
    public void Clear() => _count = 0;
}
