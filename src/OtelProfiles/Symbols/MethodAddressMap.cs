namespace OtelProfiles.Symbols;

/// <summary>
/// Maps instruction pointers to managed methods, fed by method events (MethodLoadVerbose for JIT-compiled code,
/// rundown for code compiled before the session, R2RGetEntryPoint for precompiled code first run later).
/// </summary>
/// <remarks>
/// Written by the events reader thread, read when an interval is built; both take one lock, and the sorted
/// lookup arrays are rebuilt only when something was added since the last lookup. R2RGetEntryPoint events carry
/// an entry point but no size: an address past such an entry resolves to it when no other method starts in
/// between and the distance is below <see cref="MaxUnsizedMethodBytes"/>.
/// </remarks>
internal sealed class MethodAddressMap
{
    /// <summary>Upper bound for the size of a precompiled method known only by its entry point.</summary>
    public const ulong MaxUnsizedMethodBytes = 64 * 1024;

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
    private readonly Dictionary<ulong, (ulong Size, int Symbol, long Added)> _ranges = new();
    private long _added;

    // The sorted lookup arrays (their first _count items) and the rebuild's scratch arrays, all kept from one rebuild
    // to the next and grown only when the map outgrows them. While the JIT keeps compiling (for minutes after the start,
    // as it optimizes hot code again) every interval's lookups came after an addition, and a rebuild that made new
    // arrays allocated ~0.7 MB of large objects each time: two thirds of what the profiler allocated on the idle
    // sample app ten minutes after its start.
    private ulong[] _starts = [];
    private (ulong Size, int Symbol)[] _entries = [];
    private int _count;
    private ulong[] _sortedStarts = [];
    private (ulong Size, int Symbol, long Added)[] _sortedEntries = [];
    private bool[] _keep = [];
    private bool _dirty;

    /// <summary>How many code ranges are known.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ranges.Count;
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

            if (_ranges.TryGetValue(start, out var existing) && existing.Size >= size && size == 0)
            {
                return symbol; // keep the sized range a rundown already gave us
            }

            _ranges[start] = (size, index, ++_added);
            _dirty = true;
            return symbol;
        }
    }

    /// <summary>The method containing <paramref name="address"/>, or null.</summary>
    public MethodSymbol? Resolve(ulong address)
    {
        lock (_gate)
        {
            if (_dirty)
            {
                Rebuild();
            }

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
            (ulong size, int symbol) = _entries[index];
            bool inside = size > 0 ? offset < size : offset < MaxUnsizedMethodBytes;
            return inside ? _symbols[symbol] : null;
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

    private bool TryGetRangeSymbol(ulong start, out int index)
    {
        bool found = _ranges.TryGetValue(start, out (ulong Size, int Symbol, long Added) range);
        index = range.Symbol;
        return found;
    }

    private void Rebuild()
    {
        int count = _ranges.Count;
        ulong[] starts = Capacity(ref _sortedStarts, count);
        (ulong Size, int Symbol, long Added)[] entries = Capacity(ref _sortedEntries, count);
        int i = 0;
        foreach (KeyValuePair<ulong, (ulong Size, int Symbol, long Added)> pair in _ranges)
        {
            starts[i] = pair.Key;
            entries[i] = pair.Value;
            i++;
        }

        Array.Sort(starts, entries, 0, count);
        DropOverlapped(starts, entries, count);
        _dirty = false;
    }

    /// <summary><paramref name="array"/>, or a larger one in its place (with room to grow) if it holds fewer than <paramref name="count"/> items.</summary>
    private static T[] Capacity<T>(ref T[] array, int count)
    {
        if (array.Length < count)
        {
            array = new T[Math.Max(count, array.Length + (array.Length / 2))];
        }

        return array;
    }

    /// <summary>
    /// Keeps the later of two sized ranges that overlap. Live code never overlaps, so an overlap means the runtime
    /// freed a method's code and reused the memory for another: collectible code (the dynamic methods of compiled
    /// expressions and reflection invoke stubs, collectible assemblies). The method that arrived last is the one
    /// there now; keeping the older range would name the new code after the dead method, or leave the part of the
    /// new method past a dead one's start unnamed.
    /// </summary>
    private void DropOverlapped(ulong[] starts, (ulong Size, int Symbol, long Added)[] entries, int count)
    {
        bool[] keep = Capacity(ref _keep, count);
        Array.Fill(keep, true, 0, count);
        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            if (entries[i].Size == 0)
            {
                continue; // an entry point without a size (precompiled code): images are never reused
            }

            if (previous >= 0 && starts[i] < starts[previous] + entries[previous].Size)
            {
                int older = entries[previous].Added < entries[i].Added ? previous : i;
                keep[older] = false;
                _ranges.Remove(starts[older]);
                if (older == i)
                {
                    continue; // the earlier range stays the one to compare the next with
                }
            }

            previous = i;
        }

        ulong[] sortedStarts = Capacity(ref _starts, count);
        (ulong Size, int Symbol)[] sortedEntries = Capacity(ref _entries, count);
        int to = 0;
        for (int from = 0; from < count; from++)
        {
            if (keep[from])
            {
                sortedStarts[to] = starts[from];
                sortedEntries[to] = (entries[from].Size, entries[from].Symbol);
                to++;
            }
        }

        _count = to;
    }
}
