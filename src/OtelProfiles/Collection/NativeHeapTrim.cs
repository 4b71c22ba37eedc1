using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OtelProfiles.Collection;

/// <summary>
/// Gives the C heap's free pages back to the operating system after sampler windows, at most once a minute.
/// </summary>
/// <remarks>
/// The runtime allocates each EventPipe session's buffers with <c>malloc</c> and frees them when the session ends,
/// but glibc keeps freed memory in its arenas rather than returning it, so every sampler window leaves its buffers
/// resident: on the idle sample app that was about 5 MB of the profiler's resident memory at two minutes
/// (bench/results/overhead-gate.md, "Memory"). <c>malloc_trim(0)</c> releases those pages. It locks each arena
/// while it walks it, so it runs on the sampler's control thread (its CPU is charged to the budget like the rest of
/// that thread's work), right after a window, and not more often than once a minute. Only glibc has it:
/// on musl (Alpine), macOS and Windows there is nothing to call and nothing is done.
/// </remarks>
internal sealed unsafe class NativeHeapTrim
{
    /// <summary>The default shortest time between two trims.</summary>
    public static readonly TimeSpan DefaultSpacing = TimeSpan.FromSeconds(60);

    private readonly delegate* unmanaged<nuint, int> _mallocTrim;
    private readonly TimeSpan _spacing;
    private long _lastTrim;

    /// <param name="spacing">The shortest time between two trims (<see cref="DefaultSpacing"/> unless a test says otherwise).</param>
    public NativeHeapTrim(TimeSpan? spacing = null)
    {
        _mallocTrim = FindMallocTrim();
        _spacing = spacing ?? DefaultSpacing;
        _lastTrim = Stopwatch.GetTimestamp();
    }

    /// <summary>Whether this process's C library can trim its heap.</summary>
    public bool Available => _mallocTrim != null;

    /// <summary>Trims the C heap if it is available and the last trim (or the start) was at least the spacing ago.</summary>
    /// <returns>Whether a trim ran.</returns>
    public bool TrimIfDue()
    {
        if (_mallocTrim == null || Stopwatch.GetElapsedTime(_lastTrim) < _spacing)
        {
            return false;
        }

        _lastTrim = Stopwatch.GetTimestamp();
        _mallocTrim(0);
        return true;
    }

    private static delegate* unmanaged<nuint, int> FindMallocTrim()
    {
        // libc.so.6 is glibc's soname; musl's C library has another name and no malloc_trim.
        if (!OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)
            || !NativeLibrary.TryGetExport(libc, "malloc_trim", out IntPtr trim))
        {
            return null;
        }

        return (delegate* unmanaged<nuint, int>)trim;
    }
}
