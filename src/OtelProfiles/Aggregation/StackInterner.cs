using System.Runtime.InteropServices;

namespace OtelProfiles.Aggregation;

/// <summary>
/// Gives each distinct raw stack (instruction pointers, innermost first) a small integer id. Stacks are copied
/// into one growing arena and found again through an open-addressing hash table, so a stack seen before costs a
/// hash and a comparison and no allocation.
/// </summary>
internal sealed class StackInterner
{
    private ulong[] _arena = new ulong[4096];
    private int _arenaUsed;
    private (int Offset, int Length, int Hash)[] _stacks = new (int, int, int)[256];
    private int _count;
    private int[] _buckets = new int[512]; // stack id + 1; 0 = empty

    /// <summary>Number of distinct stacks.</summary>
    public int Count => _count;

    /// <summary>The frames of stack <paramref name="id"/>, innermost first.</summary>
    public ReadOnlySpan<ulong> Get(int id)
    {
        (int offset, int length, _) = _stacks[id];
        return _arena.AsSpan(offset, length);
    }

    /// <summary>The id of <paramref name="frames"/>, adding it when new.</summary>
    public int Intern(ReadOnlySpan<ulong> frames)
    {
        int hash = Hash(frames);
        int mask = _buckets.Length - 1;
        int slot = hash & mask;
        while (true)
        {
            int entry = _buckets[slot];
            if (entry == 0)
            {
                break;
            }

            (int offset, int length, int entryHash) = _stacks[entry - 1];
            if (entryHash == hash && length == frames.Length && _arena.AsSpan(offset, length).SequenceEqual(frames))
            {
                return entry - 1;
            }

            slot = (slot + 1) & mask;
        }

        int id = Add(frames, hash);
        _buckets[slot] = id + 1;
        if (_count * 2 > _buckets.Length)
        {
            Rehash();
        }

        return id;
    }

    /// <summary>Forgets every stack but keeps the memory for the next interval.</summary>
    public void Clear()
    {
        _arenaUsed = 0;
        _count = 0;
        Array.Clear(_buckets);
    }

    private int Add(ReadOnlySpan<ulong> frames, int hash)
    {
        if (_arenaUsed + frames.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + frames.Length));
        }

        frames.CopyTo(_arena.AsSpan(_arenaUsed));
        if (_count == _stacks.Length)
        {
            Array.Resize(ref _stacks, _stacks.Length * 2);
        }

        _stacks[_count] = (_arenaUsed, frames.Length, hash);
        _arenaUsed += frames.Length;
        return _count++;
    }

    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        int mask = _buckets.Length - 1;
        for (int id = 0; id < _count; id++)
        {
            int slot = _stacks[id].Hash & mask;
            while (_buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _buckets[slot] = id + 1;
        }
    }

    private static int Hash(ReadOnlySpan<ulong> frames)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(frames));
        return hash.ToHashCode();
    }
}
