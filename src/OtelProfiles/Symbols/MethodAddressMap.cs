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
    private readonly Dictionary<ulong, MethodSymbol> _symbolsById = new();
    private readonly NamePool _names = new();
    private readonly Dictionary<ulong, (ulong Size, MethodSymbol Symbol)> _ranges = new();
    private ulong[] _starts = [];
    private (ulong Size, MethodSymbol Symbol)[] _entries = [];
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
            // One symbol per method, however many code versions (tier 0, tier 1, OSR) it gets.
            if (!_symbolsById.TryGetValue(methodId, out MethodSymbol? symbol) || !methodName.SequenceEqual(symbol.MethodName) || !typeName.SequenceEqual(symbol.TypeName))
            {
                symbol = new MethodSymbol(methodId, _names.Get(typeName), _names.Get(methodName), moduleFile, moduleId);
                if (methodId != 0)
                {
                    _symbolsById[methodId] = symbol;
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

            _ranges[start] = (size, symbol);
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

            int index = Array.BinarySearch(_starts, address);
            if (index < 0)
            {
                index = ~index - 1;
            }

            if (index < 0)
            {
                return null;
            }

            ulong offset = address - _starts[index];
            (ulong size, MethodSymbol symbol) = _entries[index];
            if (size > 0)
            {
                return offset < size ? symbol : null;
            }

            return offset < MaxUnsizedMethodBytes ? symbol : null;
        }
    }

    /// <summary>Finds a known method by its runtime id.</summary>
    public MethodSymbol? FindById(ulong methodId)
    {
        lock (_gate)
        {
            return _symbolsById.GetValueOrDefault(methodId);
        }
    }

    private void Rebuild()
    {
        _starts = new ulong[_ranges.Count];
        _entries = new (ulong, MethodSymbol)[_ranges.Count];
        int i = 0;
        foreach (KeyValuePair<ulong, (ulong Size, MethodSymbol Symbol)> pair in _ranges)
        {
            _starts[i] = pair.Key;
            _entries[i] = pair.Value;
            i++;
        }

        Array.Sort(_starts, _entries);
        _dirty = false;
    }
}
