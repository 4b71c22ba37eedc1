using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OtelProfiles.Symbols;

/// <summary>
/// Which mapped file an address belongs to, read from <c>/proc/self/maps</c> (Linux). Used to give precompiled
/// (ReadyToRun) methods their module file and to name native frames by library when no method covers them.
/// </summary>
internal sealed class NativeImageMap
{
    private const string MapsPath = "/proc/self/maps";

    private readonly MappedRegion[] _regions;

    private NativeImageMap(MappedRegion[] regions) => _regions = regions;

    /// <summary>An empty map (non-Linux, or /proc not readable).</summary>
    public static NativeImageMap Empty { get; } = new([]);

    /// <summary>Snapshots the current process's file mappings; empty where /proc/self/maps does not exist.</summary>
    /// <param name="previous">
    /// The snapshot this one follows, or null. While the file mappings stay the same it is returned as it is (a
    /// long-lived map stays one old object instead of being replaced by an equal, young one), and regions that did
    /// not change are reused: a capture of an unchanged process allocates nothing but the file handle. Parsing the
    /// file into strings line by line allocated ~500 KB a capture on the sample app, once an interval.
    /// </param>
    public static NativeImageMap Capture(NativeImageMap? previous = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return previous ?? Empty;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            int length = 0;
            using (SafeFileHandle maps = File.OpenHandle(MapsPath, FileMode.Open, FileAccess.Read))
            {
                // /proc files report no size: read until a read returns nothing, growing the buffer as needed.
                int read;
                while ((read = RandomAccess.Read(maps, buffer.AsSpan(length), length)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            return Parse(buffer.AsSpan(0, length), previous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return previous ?? Empty;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses lines in the /proc/PID/maps format (the UTF-8 parser, given lines).</summary>
    public static NativeImageMap Parse(IEnumerable<string> lines, NativeImageMap? previous = null) =>
        Parse(Encoding.UTF8.GetBytes(string.Join('\n', lines)), previous);

    /// <summary>
    /// Parses the UTF-8 text of /proc/PID/maps; returns <paramref name="previous"/> itself when it holds the same
    /// file mappings, and reuses its regions that did not change.
    /// </summary>
    public static NativeImageMap Parse(ReadOnlySpan<byte> text, NativeImageMap? previous)
    {
        MappedRegion[] before = previous?._regions ?? [];

        // A first pass only compares (no allocation); the regions are collected in a second pass if anything changed.
        if (previous is not null && Scan(text, before, regions: null) == before.Length)
        {
            return previous;
        }

        var regions = new List<MappedRegion>(before.Length + 16);
        Scan(text, before, regions);
        regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new NativeImageMap([.. regions]);
    }

    /// <summary>
    /// Reads each file mapping of <paramref name="text"/>, adds it to <paramref name="regions"/> if given (the
    /// region of <paramref name="before"/> when it is the same), and returns how many there were, or -1 when
    /// <paramref name="regions"/> is null and one of them is not in <paramref name="before"/>.
    /// </summary>
    private static int Scan(ReadOnlySpan<byte> text, MappedRegion[] before, List<MappedRegion>? regions)
    {
        int count = 0;
        Span<char> pathChars = stackalloc char[1024];
        while (!text.IsEmpty)
        {
            int newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? default : text[(newline + 1)..];
            if (!TryReadFileMapping(line, out ulong start, out ulong end, out ulong fileOffset, out ReadOnlySpan<byte> pathBytes))
            {
                continue;
            }

            ReadOnlySpan<char> path = Encoding.UTF8.GetMaxCharCount(pathBytes.Length) <= pathChars.Length
                ? pathChars[..Encoding.UTF8.GetChars(pathBytes, pathChars)]
                : Encoding.UTF8.GetString(pathBytes);

            // Only real files: "/memfd:doublemapper" is the JIT's code heap, anonymous memory by another name.
            if (path.StartsWith("/memfd:", StringComparison.Ordinal))
            {
                continue;
            }

            if (path.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                path = path[..^" (deleted)".Length];
            }

            MappedRegion? same = StartingAt(before, start) is { } old
                && old.End == end && old.FileOffset == fileOffset && path.SequenceEqual(old.Path)
                ? old
                : null;
            if (regions is null && same is null)
            {
                return -1;
            }

            if (regions is not null)
            {
                string fullPath = same?.Path ?? path.ToString();
                regions.Add(same ?? new MappedRegion(start, end, fileOffset, fullPath, Path.GetFileName(fullPath)));
            }

            count++;
        }

        return count;
    }

    /// <summary>The region of sorted <paramref name="regions"/> that starts at <paramref name="start"/>, or null.</summary>
    private static MappedRegion? StartingAt(MappedRegion[] regions, ulong start)
    {
        int lo = 0;
        int hi = regions.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            ulong midStart = regions[mid].Start;
            if (midStart == start)
            {
                return regions[mid];
            }

            (lo, hi) = midStart < start ? (mid + 1, hi) : (lo, mid - 1);
        }

        return null;
    }

    /// <summary>
    /// The address range, file offset and path of one line (<c>7f..-7f.. r-xp 00000000 fe:00 350912   /usr/...dll</c>)
    /// if it maps a file: its path starts with '/'.
    /// </summary>
    private static bool TryReadFileMapping(ReadOnlySpan<byte> line, out ulong start, out ulong end, out ulong fileOffset, out ReadOnlySpan<byte> path)
    {
        const int AddressRange = 0, FileOffset = 2, FieldsBeforePath = 5; // then permissions, device and inode
        start = end = fileOffset = 0;
        path = default;
        Span<Range> fields = stackalloc Range[FieldsBeforePath];
        int found = 0;
        int i = 0;
        while (found < FieldsBeforePath && i < line.Length)
        {
            while (i < line.Length && line[i] == (byte)' ')
            {
                i++;
            }

            int fieldStart = i;
            while (i < line.Length && line[i] != (byte)' ')
            {
                i++;
            }

            if (i > fieldStart)
            {
                fields[found++] = fieldStart..i;
            }
        }

        while (i < line.Length && line[i] == (byte)' ')
        {
            i++;
        }

        if (found < FieldsBeforePath || i >= line.Length || line[i] != (byte)'/')
        {
            return false;
        }

        // The path runs to the end of the line and may hold spaces.
        path = line[i..].TrimEnd((byte)' ');
        ReadOnlySpan<byte> range = line[fields[AddressRange]];
        ReadOnlySpan<byte> offset = line[fields[FileOffset]];
        int dash = range.IndexOf((byte)'-');
        return dash > 0
            && Utf8Parser.TryParse(range[..dash], out start, out int used, 'x') && used == dash
            && Utf8Parser.TryParse(range[(dash + 1)..], out end, out used, 'x') && used == range.Length - dash - 1
            && Utf8Parser.TryParse(offset, out fileOffset, out used, 'x') && used == offset.Length;
    }

    /// <summary>The file name mapped at <paramref name="address"/>, or null.</summary>
    public string? FindFile(ulong address) => FindRegion(address)?.File;

    /// <summary>The full path of a mapped file named <paramref name="fileName"/> (e.g. <c>System.Runtime.dll</c>), or null.</summary>
    public string? FindPath(string fileName)
    {
        foreach (MappedRegion region in _regions)
        {
            if (string.Equals(region.File, fileName, StringComparison.OrdinalIgnoreCase))
            {
                return region.Path;
            }
        }

        return null;
    }

    /// <summary>The file mapping that holds <paramref name="address"/>, or null.</summary>
    public MappedRegion? FindRegion(ulong address)
    {
        int lo = 0;
        int hi = _regions.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            MappedRegion region = _regions[mid];
            if (address < region.Start)
            {
                hi = mid - 1;
            }
            else if (address >= region.End)
            {
                lo = mid + 1;
            }
            else
            {
                return region;
            }
        }

        return null;
    }
}

/// <summary>
/// One line of <c>/proc/PID/maps</c>: <paramref name="Start"/>..<paramref name="End"/> shows the file
/// <paramref name="Path"/> from <paramref name="FileOffset"/> on, so an address in it is at file offset
/// <c>address - Start + FileOffset</c>.
/// </summary>
internal sealed record MappedRegion(ulong Start, ulong End, ulong FileOffset, string Path, string File)
{
    public ulong FileOffsetOf(ulong address) => address - Start + FileOffset;
}
