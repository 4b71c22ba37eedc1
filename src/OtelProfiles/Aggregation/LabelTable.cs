namespace OtelProfiles.Aggregation;

/// <summary>
/// Small integer labels for the names samples carry (allocated type names, exception type names), so a table row
/// stores an int and the reader thread allocates a string only the first time a name is seen. Names are found by
/// the runtime's type handle when the event has one, else by their characters. Long-lived: labels stay valid across
/// intervals. Written by one reader thread, read by the builder.
/// </summary>
internal sealed class LabelTable
{
    private readonly object _gate = new();
    private readonly List<string> _names = [];
    private readonly Dictionary<ulong, int> _byHandle = new();
    private int[] _buckets = new int[64]; // label + 1; 0 = empty

    /// <summary>Labels handed out.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _names.Count;
            }
        }
    }

    /// <summary>The label of the type with this runtime handle (a MethodTable pointer), named <paramref name="name"/>.</summary>
    public int ForHandle(ulong handle, ReadOnlySpan<char> name)
    {
        lock (_gate)
        {
            if (_byHandle.TryGetValue(handle, out int label))
            {
                return label;
            }

            label = ForNameLocked(name);
            _byHandle[handle] = label;
            return label;
        }
    }

    /// <summary>The label of <paramref name="name"/>.</summary>
    public int ForName(ReadOnlySpan<char> name)
    {
        lock (_gate)
        {
            return ForNameLocked(name);
        }
    }

    /// <summary>The name of <paramref name="label"/>.</summary>
    public string Name(int label)
    {
        lock (_gate)
        {
            return _names[label];
        }
    }

    private int ForNameLocked(ReadOnlySpan<char> name)
    {
        int mask = _buckets.Length - 1;
        int slot = string.GetHashCode(name) & mask;
        while (_buckets[slot] != 0)
        {
            int candidate = _buckets[slot] - 1;
            if (name.SequenceEqual(_names[candidate]))
            {
                return candidate;
            }

            slot = (slot + 1) & mask;
        }

        int label = _names.Count;
        _names.Add(name.ToString());
        _buckets[slot] = label + 1;
        if (_names.Count * 2 > _buckets.Length)
        {
            Rehash();
        }

        return label;
    }

    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        int mask = _buckets.Length - 1;
        for (int label = 0; label < _names.Count; label++)
        {
            int slot = string.GetHashCode(_names[label].AsSpan()) & mask;
            while (_buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _buckets[slot] = label + 1;
        }
    }
}
