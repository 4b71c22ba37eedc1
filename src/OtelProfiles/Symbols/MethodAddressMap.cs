namespace OtelProfiles.Symbols;

/// <summary>
/// Maps instruction pointers to managed methods, fed by method events (MethodLoadVerbose for JIT-compiled code,
/// rundown for code compiled before the session, R2RGetEntryPoint for precompiled code first run later).
/// </summary>
/// <remarks>
/// Written by the events reader thread, read when an interval is built; both take one lock. Ranges added since the
/// last lookup wait in arrival order and are merged into the sorted table at the next lookup. R2RGetEntryPoint
/// events carry an entry point but no size: an address past such an entry resolves to it when no other method starts
/// in between and the distance is below <see cref="MaxUnsizedMethodBytes"/>.
/// </remarks>
internal sealed class MethodAddressMap
{
    /// <summary>Upper bound for the size of a precompiled method known only by its entry point.</summary>
    public const ulong MaxUnsizedMethodBytes = 64 * 1024;

    // At most this many ranges wait (24 KB, off the large object heap): a rundown's burst of thousands is merged in
    // steps of this size.
    private const int PendingLimit = 1024;

    private readonly object _gate = new();

    // The symbols themselves, in order of arrival; everything else refers to them by index. The tables hold tens of
    // thousands of entries (arrays on the large object heap, which the GC treats as its oldest generation), while
    // the symbols added since the last gen1 collection are young: a reference from an old array to a young object
    // costs a card the GC scans at every collection of the app, so references to symbols live only at this list's
    // tail, a few cards, and not spread over sorted and hashed arrays (1,700 cards and gen0 pauses 0.3-0.8 ms
    // longer on an allocating service: bench/results/gc-pauses.md).
    private readonly List<MethodSymbol> _symbols = new();
    private readonly Dictionary<ulong, int> _symbolsById = new();
    private readonly NamePool _names = new();

    // The table lookups search: its first _count ranges, sorted by start, no two sized ones overlapping. Starts are
    // apart from the rest so the binary search reads only them. 24 bytes a range, where a hash table of ranges plus
    // sorted copies and the merge's scratch arrays took about 100: the map is the profiler's largest structure (the
    // idle sample app's method events name ~10,000 ranges), it lives as long as the process, and every time one of
    // its arrays grows the old one stays on the large object heap until the app's next full collection.
    private ulong[] _starts = [];
    private CodeRange[] _ranges = [];
    private int _count;

    // Ranges added since the last merge, in order of arrival: every one of them is newer than any in the table.
    private PendingRange[] _pending = [];
    private int _pendingCount;
    private long _added;

    /// <summary>How many code ranges are known.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                Merge();
                return _count;
            }
        }
    }

    /// <summary>Adds a method's code range; <paramref name="size"/> 0 means "entry point only".</summary>
    public MethodSymbol Add(ulong start, ulong size, ulong methodId, ReadOnlySpan<char> typeName, ReadOnlySpan<char> methodName, string? moduleFile, ulong moduleId = 0)
    {
        lock (_gate)
        {
            // One symbol per method, however many code versions (tier 0, tier 1, OSR) it gets; a method without an
            // id keeps the symbol its range already has when the names agree.
            bool known = methodId != 0
                ? _symbolsById.TryGetValue(methodId, out int index)
                : TryGetRangeSymbol(start, out index);
            MethodSymbol? symbol = known ? _symbols[index] : null;
            if (symbol is null || !methodName.SequenceEqual(symbol.MethodName) || !typeName.SequenceEqual(symbol.TypeName))
            {
                symbol = new MethodSymbol(methodId, _names.Get(typeName), _names.Get(methodName), moduleFile, moduleId);
                index = _symbols.Count;
                _symbols.Add(symbol);
                if (methodId != 0)
                {
                    _symbolsById[methodId] = index;
                }
            }
            else if (symbol.ModuleFile is null && moduleFile is not null)
            {
                symbol.ModuleFile = moduleFile;
            }

            if (_pendingCount == PendingLimit)
            {
                Merge();
            }

            if (_pendingCount == _pending.Length)
            {
                Array.Resize(ref _pending, Math.Min(PendingLimit, Math.Max(16, _pending.Length * 2)));
            }

            // Method code is never near 4 GB; a larger size is clamped rather than wrapped.
            _pending[_pendingCount] = new PendingRange(start, (uint)Math.Min(size, uint.MaxValue), index, _pendingCount);
            _pendingCount++;
            return symbol;
        }
    }

    /// <summary>The method containing <paramref name="address"/>, or null.</summary>
    public MethodSymbol? Resolve(ulong address)
    {
        lock (_gate)
        {
            Merge();
            int index = Array.BinarySearch(_starts, 0, _count, address);
            if (index < 0)
            {
                index = ~index - 1;
            }

            if (index < 0)
            {
                return null;
            }

            ulong offset = address - _starts[index];
            CodeRange range = _ranges[index];
            bool inside = range.Size > 0 ? offset < range.Size : offset < MaxUnsizedMethodBytes;
            return inside ? _symbols[range.Symbol] : null;
        }
    }

    /// <summary>Finds a known method by its runtime id.</summary>
    public MethodSymbol? FindById(ulong methodId)
    {
        lock (_gate)
        {
            return _symbolsById.TryGetValue(methodId, out int index) ? _symbols[index] : null;
        }
    }

    // Only for events without a method id (rare): merging first keeps this one binary search.
    private bool TryGetRangeSymbol(ulong start, out int index)
    {
        Merge();
        int found = Array.BinarySearch(_starts, 0, _count, start);
        index = found >= 0 ? _ranges[found].Symbol : -1;
        return found >= 0;
    }

    /// <summary>Merges the waiting ranges into the sorted table, in place.</summary>
    private void Merge()
    {
        if (_pendingCount == 0)
        {
            return;
        }

        Span<PendingRange> pending = _pending.AsSpan(0, _pendingCount);
        pending.Sort(); // by start, then arrival
        int waiting = KeepOnePerStart(pending);

        // From the ends backwards into the grown table, so nothing is copied aside. Where a start is in both, the
        // waiting range wins (it is newer) unless it is only an entry point: a rundown's sized range stays.
        int total = _count + waiting;
        Grow(ref _starts, total);
        Grow(ref _ranges, total);
        int table = _count - 1;
        int next = waiting - 1;
        int to = total - 1;
        while (next >= 0)
        {
            ref PendingRange added = ref pending[next];
            if (table >= 0 && _starts[table] > added.Start)
            {
                _starts[to] = _starts[table];
                _ranges[to--] = _ranges[table--];
                continue;
            }

            if (table >= 0 && _starts[table] == added.Start)
            {
                if (added.Size == 0)
                {
                    _starts[to] = _starts[table];
                    _ranges[to--] = _ranges[table--];
                    next--;
                    continue;
                }

                table--; // replaced
            }

            _starts[to] = added.Start;
            _ranges[to--] = new CodeRange(added.Size, added.Symbol, _added + added.Arrival + 1);
            next--;
        }

        // What is left of the table is already in place below `to`; the replaced ones left a gap there.
        int gap = to - table;
        _added += _pendingCount;
        _pendingCount = 0;

        if (gap > 0)
        {
            Array.Copy(_starts, table + 1 + gap, _starts, table + 1, total - gap - table - 1);
            Array.Copy(_ranges, table + 1 + gap, _ranges, table + 1, total - gap - table - 1);
        }

        _count = DropOverlapped(total - gap);
    }

    /// <summary>
    /// Of the waiting ranges with one start (sorted, oldest first), keeps the newest, unless the newer is only an entry
    /// point: a sized range at that start stays. Packs the kept ones at the front; returns how many.
    /// </summary>
    private static int KeepOnePerStart(Span<PendingRange> sorted)
    {
        int kept = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (kept > 0 && sorted[kept - 1].Start == sorted[i].Start)
            {
                if (sorted[i].Size != 0)
                {
                    sorted[kept - 1] = sorted[i];
                }

                continue;
            }

            sorted[kept++] = sorted[i];
        }

        return kept;
    }

    /// <summary>
    /// Keeps the later of two sized ranges that overlap. Live code never overlaps, so an overlap means the runtime
    /// freed a method's code and reused the memory for another: collectible code (the dynamic methods of compiled
    /// expressions and reflection invoke stubs, collectible assemblies). The method that arrived last is the one
    /// there now; keeping the older range would name the new code after the dead method, or leave the part of the
    /// new method past a dead one's start unnamed. Returns how many ranges stay (packed at the front).
    /// </summary>
    private int DropOverlapped(int count)
    {
        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            if (_ranges[i].Size == 0)
            {
                continue; // an entry point without a size (precompiled code): images are never reused
            }

            if (previous >= 0 && _starts[i] < _starts[previous] + _ranges[previous].Size)
            {
                int older = _ranges[previous].Added < _ranges[i].Added ? previous : i;
                _ranges[older].Symbol = -1;
                if (older == i)
                {
                    continue; // the earlier range stays the one to compare the next with
                }
            }

            previous = i;
        }

        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (_ranges[i].Symbol >= 0)
            {
                _starts[kept] = _starts[i];
                _ranges[kept++] = _ranges[i];
            }
        }

        return kept;
    }

    /// <summary>Makes <paramref name="array"/> hold at least <paramref name="count"/> items, with room to grow.</summary>
    private static void Grow<T>(ref T[] array, int count)
    {
        if (array.Length < count)
        {
            Array.Resize(ref array, Math.Max(count, array.Length + (array.Length / 2)));
        }
    }

    /// <summary>A range of the table. <see cref="Added"/> orders arrivals (the later of two overlapping ranges wins).</summary>
    private struct CodeRange(uint size, int symbol, long added)
    {
        public uint Size = size;
        public int Symbol = symbol;
        public long Added = added;
    }

    /// <summary>A range waiting to be merged; <see cref="Arrival"/> is its place among the waiting ones.</summary>
    private readonly struct PendingRange(ulong start, uint size, int symbol, int arrival) : IComparable<PendingRange>
    {
        public ulong Start { get; } = start;

        public uint Size { get; } = size;

        public int Symbol { get; } = symbol;

        public int Arrival { get; } = arrival;

        public int CompareTo(PendingRange other)
        {
            int byStart = Start.CompareTo(other.Start);
            return byStart != 0 ? byStart : Arrival.CompareTo(other.Arrival);
        }
    }
}
