namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// Replays the GC's own account of each collection (GCHeapSurvivalAndMovement events, in time order) against the
/// tracked objects: an object the GC reports as moved or survived lives on (at its new address); an object it does
/// not report dies if its generation was collected.
/// </summary>
/// <remarks>
/// <para>
/// Blocking GCs (GCStart type 0 or 2) are exact: the generation ranges right after GCStart say which objects were
/// in collected generations, the moved and surviving ranges before GCEnd cover every survivor of those generations
/// (checked against an in-process ground truth on .NET 10, with compaction, promotion, large and pinned objects).
/// </para>
/// <para>
/// Background GCs (type 1) report their survivors once, at the end, with the runtime suspended: every object that is
/// not free, in every generation (with regions, .NET 7+), so an object they do not report is dead. Young objects
/// the background GC's own initial gen0/gen1 collection freed are not reported anywhere else, which is why the
/// final walk decides for them too. When the walk reports nothing in gen0/gen1 (segments), only gen2, large and
/// pinned objects are judged by it. A range burst between a background GCStart and its end that contains moves is
/// a blocking collection run inside it (the background GC fell back to blocking, or reported its initial
/// collection) and is replayed as one.
/// </para>
/// <para>
/// Three safety nets catch entries whose object died unseen and whose memory was reused: an entry that sticks out
/// of the range that reports it is stale (ranges are runs of whole objects), an unreported entry where a move just
/// wrote other objects is stale, and of two overlapping entries the less recently confirmed one is. With
/// non-concurrent GC the nets never fire; with background GC they keep the estimate within sampling error in
/// stress tests (workstation GC), and leave about 1% of entries pointing at reused memory with server GC.
/// </para>
/// </remarks>
internal sealed class GcReplay
{
    private readonly LiveObjectSet _objects;
    private readonly GenerationRanges _latest = new();
    private readonly GenerationRanges _collectionStart = new();
    private readonly GenerationRanges _backgroundStart = new();
    private readonly List<(ulong Old, ulong New, ulong Length)> _moved = [];
    private readonly List<(ulong Start, ulong Length)> _survived = [];
    private bool[] _remove = new bool[256];
    private long _stamp;

    private bool _rangeBurstOpen;
    private RangeOwner _collecting;
    private bool _blockingActive;
    private uint _blockingCount;
    private int _blockingDepth;
    private bool _backgroundActive;
    private uint _backgroundCount;

    public GcReplay(LiveObjectSet objects) => _objects = objects;

    /// <summary>Collections replayed (blocking ones, and collections found inside background GCs).</summary>
    public long Collections { get; private set; }

    /// <summary>Background GCs whose final walk was replayed.</summary>
    public long BackgroundWalks { get; private set; }

    /// <summary>Entries removed because their object died.</summary>
    public long Died { get; private set; }

    /// <summary>Entries removed as stale (overwritten by a move, or overlapping a newer entry).</summary>
    public long StaleDropped { get; private set; }

    /// <summary>Unreported small entries kept because no generation range covered them.</summary>
    public long Unclassified { get; private set; }

    /// <summary>Ranges that arrived outside any GC (ignored).</summary>
    public long StrayRanges { get; private set; }

    public void OnAllocation(LiveObject item)
    {
        EndBursts();
        item.Confirmed = ++_stamp;
        _objects.Add(item);
    }

    public void Replay(in HeapEvent heapEvent)
    {
        switch (heapEvent.Kind)
        {
            case HeapEventKind.GcStart:
                OnGcStart((uint)heapEvent.A, (int)heapEvent.B, (int)heapEvent.C);
                break;
            case HeapEventKind.GenerationRange:
                OnGenerationRange(heapEvent.I, heapEvent.A, heapEvent.B);
                break;
            case HeapEventKind.Moved:
                OnRange(heapEvent.A, heapEvent.B, heapEvent.C, moved: true);
                break;
            case HeapEventKind.Survived:
                OnRange(heapEvent.A, heapEvent.A, heapEvent.C, moved: false);
                break;
            case HeapEventKind.GcEnd:
                OnGcEnd((uint)heapEvent.A);
                break;
            default:
                EndBursts();
                break;
        }
    }

    /// <summary>Forgets every GC in progress (the stream restarted).</summary>
    public void Reset()
    {
        _rangeBurstOpen = false;
        _collecting = RangeOwner.None;
        _blockingActive = false;
        _backgroundActive = false;
        _moved.Clear();
        _survived.Clear();
        _latest.Clear();
    }

    private void OnGcStart(uint count, int depth, int type)
    {
        EndBursts();
        if (type == Events.ProfileEvents.BackgroundGCType)
        {
            _backgroundActive = true;
            _backgroundCount = count;
            _backgroundStart.Clear();
            _collecting = RangeOwner.BackgroundStart;
        }
        else
        {
            _blockingActive = true;
            _blockingCount = count;
            _blockingDepth = depth;
            _collectionStart.Clear();
            _moved.Clear();
            _survived.Clear();
            _collecting = RangeOwner.BlockingStart;
        }
    }

    private void OnGenerationRange(int generation, ulong start, ulong end)
    {
        CloseBackgroundBurst();
        if (!_rangeBurstOpen)
        {
            _latest.Clear();
            _rangeBurstOpen = true;
        }

        _latest.Add(generation, start, end);
        if (_collecting == RangeOwner.BlockingStart)
        {
            _collectionStart.Add(generation, start, end);
        }
        else if (_collecting == RangeOwner.BackgroundStart)
        {
            _backgroundStart.Add(generation, start, end);
        }
    }

    private void OnRange(ulong start, ulong newStart, ulong length, bool moved)
    {
        EndRangeBurst();
        if (!_blockingActive && !_backgroundActive)
        {
            StrayRanges++;
            return;
        }

        // During a background GC (outside a foreground GC) ranges wait for the end of their burst.
        if (moved)
        {
            _moved.Add((start, newStart, length));
        }
        else
        {
            _survived.Add((start, length));
        }
    }

    private void OnGcEnd(uint count)
    {
        EndBursts();
        if (_blockingActive && count == _blockingCount)
        {
            ApplyCollection(_blockingDepth, _collectionStart);
            _blockingActive = false;
        }
        else if (_backgroundActive && count == _backgroundCount)
        {
            _backgroundActive = false;
        }
    }

    private void EndBursts()
    {
        EndRangeBurst();
        CloseBackgroundBurst();
    }

    private void EndRangeBurst()
    {
        _collecting = RangeOwner.None;
        _rangeBurstOpen = false;
    }

    /// <summary>Replays the ranges a background GC reported since its start or its previous burst.</summary>
    private void CloseBackgroundBurst()
    {
        if (_blockingActive || !_backgroundActive || (_moved.Count == 0 && _survived.Count == 0))
        {
            return;
        }

        if (_moved.Count > 0)
        {
            // A blocking collection inside the background GC: its depth is the oldest generation it touched.
            int depth = 0;
            foreach ((ulong old, _, _) in _moved)
            {
                depth = Math.Max(depth, _backgroundStart.GenerationOf(old));
            }

            foreach ((ulong start, _) in _survived)
            {
                depth = Math.Max(depth, _backgroundStart.GenerationOf(start));
            }

            ApplyCollection(Math.Min(depth, 2), _backgroundStart);
        }
        else
        {
            int oldest = 0;
            foreach ((ulong start, _) in _survived)
            {
                oldest = Math.Max(oldest, _latest.GenerationOf(start));
            }

            if (oldest >= 2)
            {
                ApplyBackgroundWalk();
            }
            else
            {
                ApplyCollection(oldest, _backgroundStart);
            }
        }

        _moved.Clear();
        _survived.Clear();
    }

    /// <summary>A collection of generations 0..<paramref name="depth"/> (2: everything) with moves and survivals.</summary>
    private void ApplyCollection(int depth, GenerationRanges atStart)
    {
        Collections++;
        long stamp = ++_stamp;
        _objects.BeginReplay();
        Span<bool> remove = RemoveFlags();
        foreach ((ulong old, ulong @new, ulong length) in _moved)
        {
            _objects.Report(old, length, @new, remove);
        }

        foreach ((ulong start, ulong length) in _survived)
        {
            _objects.Report(start, length, start, remove);
        }

        foreach ((_, ulong @new, ulong length) in _moved)
        {
            _objects.MarkOverwritten(@new, length, remove);
        }

        Span<LiveObject> items = _objects.Items;
        long stale = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (remove[i])
            {
                stale++;
                continue;
            }

            if (_objects.IsReported(i) || !Collected(items[i], depth, atStart))
            {
                continue;
            }

            remove[i] = true;
            Died++;
        }

        StaleDropped += stale;
        _objects.ApplyReports(stamp, remove);
        _objects.RemoveWhere(remove);
        StaleDropped += _objects.DropOverlaps();
    }

    private bool Collected(in LiveObject item, int depth, GenerationRanges atStart)
    {
        if (depth >= 2)
        {
            return true;
        }

        if (!item.IsSmall)
        {
            return false; // large and pinned objects are only collected with gen2
        }

        int generation = atStart.GenerationOf(item.Address);
        if (generation < 0)
        {
            Unclassified++;
            return false;
        }

        return generation <= depth;
    }

    /// <summary>The end of a background GC: what it does not report is free (or, under segments, swept gen2).</summary>
    private void ApplyBackgroundWalk()
    {
        BackgroundWalks++;
        _objects.BeginReplay();
        Span<bool> remove = RemoveFlags();
        bool coversYoung = false;
        foreach ((ulong start, ulong length) in _survived)
        {
            _objects.Report(start, length, start, remove);
            coversYoung |= _latest.GenerationOf(start) is 0 or 1;
        }

        Span<LiveObject> items = _objects.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (remove[i])
            {
                StaleDropped++;
                continue;
            }

            if (_objects.IsReported(i))
            {
                continue;
            }

            int generation = !items[i].IsSmall ? 2 : coversYoung ? 0 : _latest.GenerationOf(items[i].Address);
            if (generation < 0)
            {
                Unclassified++;
            }
            else if (coversYoung || generation >= 2)
            {
                remove[i] = true;
                Died++;
            }
        }

        // Not a confirmation: memory swept during the background GC may hold a new object by the time it walks.
        _objects.RemoveWhere(remove);
        StaleDropped += _objects.DropOverlaps();
    }

    private Span<bool> RemoveFlags()
    {
        if (_remove.Length < _objects.Count)
        {
            _remove = new bool[Math.Max(_objects.Count, _remove.Length * 2)];
        }

        Span<bool> flags = _remove.AsSpan(0, _objects.Count);
        flags.Clear();
        return flags;
    }

    /// <summary>Whose start-of-GC generation ranges the current burst of GCGenerationRange events is.</summary>
    private enum RangeOwner
    {
        None,
        BlockingStart,
        BackgroundStart,
    }
}
