namespace OtelProfiles.Symbols.ReadyToRun;

/// <summary>
/// The two container layouts of the runtime's "native format" that ReadyToRun images use for their method tables
/// (dotnet/runtime docs/design/coreclr/botr/readytorun-format.md, "Native Format"): a sparse array indexed by
/// MethodDef row and a hashtable of generic instantiations.
/// </summary>
internal static class NativeFormat
{
    private const uint BlockSize = 16;

    /// <summary>Number of elements of the sparse array that starts at <paramref name="arrayRva"/>.</summary>
    public static uint ArrayCount(ImageReader image, uint arrayRva) => image.NativeUnsigned(ref arrayRva) >> 2;

    /// <summary>
    /// Where element <paramref name="index"/> of the sparse array at <paramref name="arrayRva"/> is stored, or false
    /// when the array has no such element. The array is a block index (one offset per 16 elements) followed by
    /// blocks that are binary trees of depth 4 over the low bits of the index.
    /// </summary>
    public static bool TryGetArrayElement(ImageReader image, uint arrayRva, uint index, out uint elementRva)
    {
        elementRva = 0;
        uint header = image.NativeUnsigned(ref arrayRva);
        uint baseRva = arrayRva;
        uint count = header >> 2;
        uint entrySize = header & 3;
        if (index >= count)
        {
            return false;
        }

        uint block = index / BlockSize;
        uint offset = baseRva + entrySize switch
        {
            0 => image.U8(baseRva + block),
            1 => image.U16(baseRva + (2 * block)),
            _ => image.U32(baseRva + (4 * block)),
        };

        for (uint bit = BlockSize >> 1; bit > 0; bit >>= 1)
        {
            uint next = offset;
            uint node = image.NativeUnsigned(ref next);
            if ((index & bit) != 0)
            {
                if ((node & 2) != 0)
                {
                    offset += node >> 2; // the higher child, at a relative offset from this node
                    continue;
                }
            }
            else if ((node & 1) != 0)
            {
                offset = next; // the lower child follows this node
                continue;
            }

            // No child that way: a leaf that stands for exactly one index of the block, or nothing.
            if ((node & 3) == 0 && (node >> 2) == (index & (BlockSize - 1)))
            {
                offset = next;
                break;
            }

            return false;
        }

        elementRva = offset;
        return true;
    }

    /// <summary>
    /// Every entry of the hashtable at <paramref name="tableRva"/>, bucket by bucket: a header byte (bucket count as a
    /// power of two, cell size), bucket offsets, then per bucket the entries as (low hash byte, relative offset).
    /// </summary>
    public static List<uint> HashtableEntries(ImageReader image, uint tableRva, int maxEntries)
    {
        byte header = image.U8(tableRva);
        uint baseRva = tableRva + 1;
        int shift = header >> 2;
        uint cellSize = (uint)(header & 3);
        if (shift > 24 || cellSize > 2)
        {
            throw new BadImageFormatException("invalid native hashtable header");
        }

        uint buckets = 1u << shift;
        var entries = new List<uint>();
        for (uint bucket = 0; bucket < buckets; bucket++)
        {
            uint start = baseRva + Cell(image, baseRva, cellSize, bucket);
            uint end = baseRva + Cell(image, baseRva, cellSize, bucket + 1);
            uint position = start;
            while (position < end)
            {
                position++; // low byte of the entry's hash code
                uint at = position;
                int delta = image.NativeSigned(ref position);
                entries.Add((uint)(at + delta));
                if (entries.Count > maxEntries)
                {
                    throw new BadImageFormatException("native hashtable larger than any image holds");
                }
            }
        }

        return entries;
    }

    private static uint Cell(ImageReader image, uint baseRva, uint cellSize, uint index) => cellSize switch
    {
        0 => image.U8(baseRva + index),
        1 => image.U16(baseRva + (2 * index)),
        _ => image.U32(baseRva + (4 * index)),
    };
}
