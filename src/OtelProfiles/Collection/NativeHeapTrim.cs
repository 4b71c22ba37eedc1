using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OtelProfiles.Collection;

/// <summary>
/// Gives the C heap's free pages back to the operating system after sampler windows: 15 s after the last trim when
/// the runtime has compiled methods since then, otherwise at most once a minute.
/// </summary>
/// <remarks>
/// The runtime's native work for the profiler runs on <c>malloc</c> and frees what it took, but glibc keeps freed
/// memory in its arenas rather than returning it. On the idle sample app (2026-12-05, 22:59 UTC, large <c>malloc</c>
/// calls counted per thread over its first 70 s) the largest share by far was the JIT's: 12.3 MB on the tiered
/// compilation thread, which compiles the profiler's methods again, optimized, as they become hot, for minutes after
/// the start; then 2.6 MB on the sampler's control thread (opening and stopping sessions) and 1.2 MB of EventPipe
/// buffers. Left in the arenas that was 5–10 MB of the profiler's resident memory. <c>malloc_trim(0)</c> releases
/// those pages. It locks each arena while it walks it (0.1–0.4 ms each on that app), so it runs on the sampler's
/// control thread (its CPU is charged to the budget like the rest of that thread's work), right after a window, and
/// at most every 15 s, and only that often while methods are being compiled (the method events tell): in a steady
/// app nothing new is freed, and a trim a minute is enough. Only glibc has it: on musl (Alpine), macOS and Windows
/// there is nothing to call and nothing is done.
/// </remarks>
internal sealed unsafe class NativeHeapTrim
{
    /// <summary>The default shortest time between two trims when no method was compiled in between.</summary>
    public static readonly TimeSpan DefaultSpacing = TimeSpan.FromSeconds(60);

    /// <summary>The default shortest time between two trims when methods were compiled in between.</summary>
    public static readonly TimeSpan DefaultSpacingWhileCompiling = TimeSpan.FromSeconds(15);

    private readonly delegate* unmanaged<nuint, int> _mallocTrim;
    private readonly Func<int> _methodsCompiled;
    private readonly TimeSpan _spacing;
    private readonly TimeSpan _spacingWhileCompiling;
    private long _lastTrim;
    private int _compiledAtLastTrim;

    /// <param name="methodsCompiled">How many method events the runtime has sent so far (a count that grows while the JIT works).</param>
    /// <param name="spacing">The shortest time between two trims with no compile in between (<see cref="DefaultSpacing"/> unless a test says otherwise).</param>
    /// <param name="spacingWhileCompiling">The shortest time between two trims with compiles in between (<see cref="DefaultSpacingWhileCompiling"/> unless a test says otherwise).</param>
    public NativeHeapTrim(Func<int> methodsCompiled, TimeSpan? spacing = null, TimeSpan? spacingWhileCompiling = null)
    {
        _mallocTrim = FindMallocTrim();
        _methodsCompiled = methodsCompiled;
        _spacing = spacing ?? DefaultSpacing;
        _spacingWhileCompiling = spacingWhileCompiling ?? DefaultSpacingWhileCompiling;
        _lastTrim = Stopwatch.GetTimestamp();
        _compiledAtLastTrim = methodsCompiled();
    }

    /// <summary>Whether this process's C library can trim its heap.</summary>
    public bool Available => _mallocTrim != null;

    /// <summary>Trims the C heap if it is available and the last trim (or the start) was at least the spacing ago.</summary>
    /// <returns>Whether a trim ran.</returns>
    public bool TrimIfDue()
    {
        if (_mallocTrim == null)
        {
            return false;
        }

        int compiled = _methodsCompiled();
        TimeSpan spacing = compiled != _compiledAtLastTrim ? _spacingWhileCompiling : _spacing;
        if (Stopwatch.GetElapsedTime(_lastTrim) < spacing)
        {
            return false;
        }

        _lastTrim = Stopwatch.GetTimestamp();
        _compiledAtLastTrim = compiled;
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
