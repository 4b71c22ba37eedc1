using System.Runtime.InteropServices;
using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

public sealed class NativeHeapTrimTests
{
    // The test machines run glibc Linux (Debian), where the trim must be found; elsewhere it must stay off.
    [Fact]
    public void Is_available_on_glibc_linux_only()
    {
        Assert.Equal(OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"), new NativeHeapTrim(() => 0).Available);
    }

    [Fact]
    public void Waits_for_its_spacing_before_the_first_trim()
    {
        var trim = new NativeHeapTrim(() => 0, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.False(trim.TrimIfDue());
    }

    // While the JIT compiles (the runtime's method events keep coming) the trims come at the shorter spacing; once it
    // has stopped, at the longer one again.
    [Fact]
    public void Trims_at_the_shorter_spacing_only_while_methods_are_compiled()
    {
        int compiled = 100;
        var trim = new NativeHeapTrim(() => compiled, spacing: TimeSpan.FromHours(1), spacingWhileCompiling: TimeSpan.Zero);

        Assert.False(trim.TrimIfDue()); // nothing compiled since the start: the hour applies
        compiled += 3;
        Assert.True(trim.TrimIfDue());
        Assert.False(trim.TrimIfDue()); // nothing compiled since that trim
        compiled++;
        Assert.True(trim.TrimIfDue());
    }

    [Fact]
    public void A_trim_hands_freed_malloc_memory_back_to_the_system()
    {
        var trim = new NativeHeapTrim(() => 0, TimeSpan.Zero);

        // 48 MB in 32 KB blocks (below glibc's mmap threshold, so they live in an arena the way EventPipe's buffers do),
        // touched, then all freed but the last: the block at the heap's top keeps free() itself from trimming.
        const int blockSize = 32 * 1024;
        const int blocks = 48 * 1024 * 1024 / blockSize;
        var held = new IntPtr[blocks];
        for (int i = 0; i < blocks; i++)
        {
            held[i] = Marshal.AllocHGlobal(blockSize); // malloc on Unix
            for (int page = 0; page < blockSize; page += 4096)
            {
                Marshal.WriteByte(held[i], page, 1);
            }
        }

        for (int i = 0; i < blocks - 1; i++)
        {
            Marshal.FreeHGlobal(held[i]);
        }

        long before = ResidentBytes();
        Assert.True(trim.TrimIfDue());
        long after = ResidentBytes();
        Marshal.FreeHGlobal(held[blocks - 1]);

        Assert.True(before - after > 32L * 1024 * 1024, $"resident memory {before >> 20} MB before the trim, {after >> 20} MB after");
    }

    private static long ResidentBytes()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
