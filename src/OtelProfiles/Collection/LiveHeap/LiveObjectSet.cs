namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// The tracked objects, in one growing array sorted by address when a GC is replayed, with per-GC scratch marks
/// that are reused rather than reallocated.
/// </summary>
internal sealed class LiveObjectSet
{
    private static readonly Comparison<LiveObject> ByAddress = (a, b) => a.Address.CompareTo(b.Address);

    private LiveObject[] _items = new LiveObject[256];
    private int _count;

    /// <summary>Per-object scratch for one GC replay: did the GC report it, and where is it now.</summary>
    private bool[] _reported = new bool[256];
    private ulong[] _newAddress = new ulong[256];

    public int Count => _count;

    public Span<LiveObject> Items => _items.AsSpan(0, _count);

    public void Add(in LiveObject item)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_count++] = item;
    }

    public void Clear() => _count = 0;

    /// <summary>Sorts by address and clears the scratch marks, ready for one GC's ranges.</summary>
    public void BeginReplay()
    {
        Items.Sort(ByAddress);
        if (_reported.Length < _count)
        {
            _reported = new bool[_items.Length];
            _newAddress = new ulong[_items.Length];
        }

        Array.Clear(_reported, 0, _count);
    }

    /// <summary>
    /// Marks the objects starting in [start, start + length) as reported, at <paramref name="newStart"/> + their
    /// offset. A range is a run of whole objects, so an entry that would stick out of it is not what is there: it
    /// is marked stale in <paramref name="stale"/> instead.
    /// </summary>
    public void Report(ulong start, ulong length, ulong newStart, Span<bool> stale)
    {
        for (int i = LowerBound(start); i < _count && _items[i].Address - start < length; i++)
        {
            if (_items[i].End - start > length)
            {
                stale[i] = true;
                continue;
            }

            _reported[i] = true;
            _newAddress[i] = newStart + (_items[i].Address - start);
        }
    }

    public bool IsReported(int index) => _reported[index];


    /// <summary>
    /// Objects not reported by this GC that lie where a move just wrote other objects: their memory was free, so the
    /// entry is stale. They are marked for removal through <paramref name="remove"/>.
    /// </summary>
    public void MarkOverwritten(ulong start, ulong length, Span<bool> remove)
    {
        for (int i = LowerBound(start); i < _count && _items[i].Address - start < length; i++)
        {
            if (!_reported[i])
            {
                remove[i] = true;
            }
        }
    }

    /// <summary>Moves reported objects to their new addresses, stamping them confirmed at <paramref name="stamp"/>.</summary>
    public void ApplyReports(long stamp, ReadOnlySpan<bool> stale)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_reported[i] && !stale[i])
            {
                _items[i].Address = _newAddress[i];
                _items[i].Confirmed = stamp;
            }
        }
    }

    /// <summary>Removes every object whose flag in <paramref name="remove"/> is set; returns how many.</summary>
    public int RemoveWhere(ReadOnlySpan<bool> remove)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!remove[i])
            {
                _items[kept++] = _items[i];
            }
        }

        int removed = _count - kept;
        _count = kept;
        return removed;
    }

    /// <summary>
    /// Two live objects never overlap, so of two entries that do, one is stale: the one the GC or the allocator
    /// vouched for less recently goes. Returns how many were dropped.
    /// </summary>
    public int DropOverlaps()
    {
        Items.Sort(ByAddress);
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (kept > 0 && _items[kept - 1].End > _items[i].Address)
            {
                if (_items[i].Confirmed > _items[kept - 1].Confirmed)
                {
                    _items[kept - 1] = _items[i];
                }

                continue;
            }

            _items[kept++] = _items[i];
        }

        int dropped = _count - kept;
        _count = kept;
        return dropped;
    }

    /// <summary>The first index whose address is at least <paramref name="address"/> (items sorted by address).</summary>
    private int LowerBound(ulong address)
    {
        int low = 0;
        int high = _count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_items[middle].Address < address)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
