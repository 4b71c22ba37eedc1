using System.Globalization;

namespace OtelProfiles.Symbols;

/// <summary>
/// Which mapped file an address belongs to, read from <c>/proc/self/maps</c> (Linux). Used to give precompiled
/// (ReadyToRun) methods their module file and to name native frames by library when no method covers them.
/// </summary>
internal sealed class NativeImageMap
{
    private readonly MappedRegion[] _regions;

    private NativeImageMap(MappedRegion[] regions) => _regions = regions;

    /// <summary>An empty map (non-Linux, or /proc not readable).</summary>
    public static NativeImageMap Empty { get; } = new([]);

    /// <summary>Snapshots the current process's file mappings; empty where /proc/self/maps does not exist.</summary>
    public static NativeImageMap Capture()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps"))
            {
                return Empty;
            }

            return Parse(File.ReadLines("/proc/self/maps"));
        }
        catch (IOException)
        {
            return Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return Empty;
        }
    }

    /// <summary>Parses lines in the /proc/PID/maps format.</summary>
    public static NativeImageMap Parse(IEnumerable<string> lines)
    {
        var regions = new List<MappedRegion>();
        foreach (string line in lines)
        {
            // 7f..-7f.. r-xp 00000000 fe:00 350912   /usr/share/dotnet/.../System.Net.Sockets.dll
            // Only real files: "/memfd:doublemapper" is the JIT's code heap, anonymous memory by another name.
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Length == 0 || fields[5][0] != '/')
            {
                continue;
            }

            int dash = fields[0].IndexOf('-');
            if (dash <= 0
                || !ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)
                || !ulong.TryParse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong fileOffset))
            {
                continue;
            }

            string path = fields[5].Trim();
            if (path.StartsWith("/memfd:", StringComparison.Ordinal))
            {
                continue;
            }

            if (path.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                path = path[..^" (deleted)".Length];
            }

            regions.Add(new MappedRegion(start, end, fileOffset, path, Path.GetFileName(path)));
        }

        regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new NativeImageMap(regions.ToArray());
    }

    /// <summary>
    /// This map if <paramref name="captured"/> holds the same file mappings, otherwise <paramref name="captured"/>:
    /// a long-lived map stays one old object instead of being replaced by an equal, young one.
    /// </summary>
    public NativeImageMap Refreshed(NativeImageMap captured) =>
        captured._regions.AsSpan().SequenceEqual(_regions) ? this : captured;

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
