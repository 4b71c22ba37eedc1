using OtelProfiles.Symbols;

namespace OtelProfiles.Tests.Symbols;

public sealed class NativeImageMapTests
{
    [Fact]
    public void Parses_proc_maps_lines_and_finds_files()
    {
        NativeImageMap map = NativeImageMap.Parse(
        [
            "7fdf7bf10000-7fdf7bf82000 r-xp 00000000 fe:00 350912                     /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll",
            "7fdf7b290000-7fdf7b302000 r-xs 00111000 00:01 1090                       /memfd:doublemapper (deleted)",
            "7fdf70000000-7fdf70021000 rw-p 00000000 00:00 0 ",
            "55d0c0a00000-55d0c0a20000 r-xp 00000000 fe:00 1234 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so",
            "garbage line",
        ]);

        Assert.Equal("System.Net.Sockets.dll", map.FindFile(0x7fdf7bf1d495));
        Assert.Null(map.FindFile(0x7fdf7b292023)); // the JIT's double-mapped code heap is not a file
        Assert.Equal("libcoreclr.so", map.FindFile(0x55d0c0a00010));
        Assert.Null(map.FindFile(0x7fdf70000010));
        Assert.Null(map.FindFile(0x1000));
    }

    [Fact]
    public void Regions_relate_addresses_to_file_offsets_and_paths()
    {
        NativeImageMap map = NativeImageMap.Parse(
        [
            "7fdf7bf00000-7fdf7bf01000 r--p 00000000 fe:00 350912 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll",
            "7fdf7bf10000-7fdf7bf82000 r-xp 00000000 fe:00 350912 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll",
            "7fdf7bfa1000-7fdf7bfc1000 rw-p 00071000 fe:00 350912 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll",
        ]);

        MappedRegion code = map.FindRegion(0x7fdf7bf1d495)!;
        Assert.Equal("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll", code.Path);
        Assert.Equal(0xd495UL, code.FileOffsetOf(0x7fdf7bf1d495));
        Assert.Equal(0x71010UL, map.FindRegion(0x7fdf7bfa1010)!.FileOffsetOf(0x7fdf7bfa1010));
        Assert.Equal(code.Path, map.FindPath("system.net.sockets.dll"));
        Assert.Null(map.FindPath("System.Runtime.dll"));
    }

    [Fact]
    public void Captures_this_process_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        NativeImageMap map = NativeImageMap.Capture();
        nint someNativeCode = System.Runtime.InteropServices.NativeLibrary.GetExport(
            System.Runtime.InteropServices.NativeLibrary.Load("libc.so.6"), "getpid");
        Assert.StartsWith("libc", map.FindFile((ulong)someNativeCode));
    }

    // Once an interval the profiler captures its mappings again; with nothing loaded in between that must cost next
    // to nothing (parsing the file into strings allocated ~500 KB a capture on the sample app).
    [Fact]
    public void Capturing_an_unchanged_process_again_keeps_the_map_and_allocates_almost_nothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        NativeImageMap first = NativeImageMap.Capture();
        NativeImageMap again = NativeImageMap.Capture(first); // warms up what the capture itself uses
        for (int attempt = 0; attempt < 5 && !ReferenceEquals(first, again); attempt++)
        {
            first = again; // another test loaded a library meanwhile
            again = NativeImageMap.Capture(first);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        NativeImageMap third = NativeImageMap.Capture(again);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(again, third);
        Assert.True(allocated < 2_000, $"{allocated} bytes allocated by a capture of unchanged mappings");
    }

    [Fact]
    public void A_refresh_keeps_the_map_it_has_while_the_file_mappings_stay_the_same()
    {
        string[] lines =
        [
            "7fdf7bf10000-7fdf7bf82000 r-xp 00000000 fe:00 350912 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Net.Sockets.dll",
            "55d0c0a00000-55d0c0a20000 r-xp 00000000 fe:00 1234 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so",
        ];
        NativeImageMap current = NativeImageMap.Parse(lines);

        // Equal mappings (the JIT's code heap and anonymous memory may change in between: they are not files).
        NativeImageMap same = NativeImageMap.Parse([.. lines, "7fdf7b290000-7fdf7b302000 r-xs 00111000 00:01 1090 /memfd:doublemapper (deleted)"], current);
        Assert.Same(current, same);

        // A library loaded since: the new map replaces it.
        NativeImageMap grown = NativeImageMap.Parse([.. lines, "7fdf6a000000-7fdf6a010000 r-xp 00000000 fe:00 77 /usr/lib/libz.so.1"], current);
        Assert.NotSame(current, grown);
        Assert.Equal("libz.so.1", grown.FindFile(0x7fdf6a000100));
        Assert.Equal("libcoreclr.so", grown.FindFile(0x55d0c0a00010));

        // One mapping fewer (a library unloaded) is a change.
        NativeImageMap shrunk = NativeImageMap.Parse([lines[0]], current);
        Assert.NotSame(current, shrunk);
        Assert.Null(shrunk.FindFile(0x55d0c0a00010));

        // The same file mapped elsewhere (unloaded and loaded again) is a change too.
        NativeImageMap moved = NativeImageMap.Parse([lines[0], lines[1].Replace("55d0c0a00000-55d0c0a20000", "55d0c0b00000-55d0c0b20000", StringComparison.Ordinal)], current);
        Assert.NotSame(current, moved);
        Assert.Equal("libcoreclr.so", moved.FindFile(0x55d0c0b00010));
        Assert.Null(moved.FindFile(0x55d0c0a00010));
    }
}
