namespace OtelProfiles.Collection.LiveHeap;

/// <summary>
/// Which generation owns which address range, as the GC reported it (GCGenerationRange: one event per region or
/// segment, at GC start and end). Used to tell whether an object was in a collected generation.
/// </summary>
internal sealed class GenerationRanges
{
    private readonly List<(ulong Start, ulong End, int Generation)> _ranges = [];
    private bool _sorted = true;

    public int Count => _ranges.Count;

    public void Clear()
    {
        _ranges.Clear();
        _sorted = true;
    }

    public void Add(int generation, ulong start, ulong end)
    {
        _ranges.Add((start, end, generation));
        _sorted = false;
    }

    public void CopyFrom(GenerationRanges other)
    {
        _ranges.Clear();
        _ranges.AddRange(other._ranges);
        _sorted = other._sorted;
    }

    /// <summary>The generation (0, 1, 2; 3 large, 4 pinned object heap) owning <paramref name="address"/>, or -1.</summary>
    public int GenerationOf(ulong address)
    {
        if (!_sorted)
        {
            _ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
            _sorted = true;
        }

        int low = 0;
        int high = _ranges.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            (ulong start, ulong end, int generation) = _ranges[middle];
            if (address < start)
            {
                high = middle - 1;
            }
            else if (address >= end)
            {
                low = middle + 1;
            }
            else
            {
                return generation;
            }
        }

        return -1;
    }
}
