using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OtelProfiles.Collection;

/// <summary>
/// CPU time one thread of this process has used, by its operating-system id (<see cref="OsThreadId"/>). .NET has
/// no API for another thread's CPU time, so: Linux reads the scheduler's run time in nanoseconds from
/// <c>/proc/self/task/&lt;id&gt;/schedstat</c>, Windows asks <c>GetThreadTimes</c>. Elsewhere, or when the thread
/// has ended, there is no reading. Used to charge the profiler's own threads to its overhead budget.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const uint ThreadQueryLimitedInformation = 0x0800;

    /// <summary>The CPU time the thread has used so far, or <see langword="null"/> when it cannot be read.</summary>
    public static TimeSpan? Of(long osThreadId)
    {
        if (osThreadId <= 0)
        {
            return null;
        }

        try
        {
            if (OperatingSystem.IsLinux())
            {
                return FromSchedstat(osThreadId);
            }

            if (OperatingSystem.IsWindows())
            {
                return FromThreadTimes((uint)osThreadId);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or EntryPointNotFoundException or DllNotFoundException)
        {
            // The thread ended between two readings, or /proc is not mounted: no reading this time.
        }

        return null;
    }

    private static TimeSpan? FromSchedstat(long osThreadId)
    {
        // "<run time ns> <wait time ns> <timeslices>": the first field is the time spent on a CPU. Read with one
        // read call into the stack: the budget reads every profiler thread several times a period, and a
        // File.ReadAllText each time (stream, reader, buffers, string: ~6 KB) was half of what the sampler's control
        // thread allocated (146 KB a period before, 68 KB after).
        string path = string.Create(CultureInfo.InvariantCulture, $"/proc/self/task/{osThreadId}/schedstat");
        Span<byte> content = stackalloc byte[96];
        int read;
        using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            read = RandomAccess.Read(handle, content, fileOffset: 0);
        }

        ReadOnlySpan<byte> text = content[..read];
        int end = text.IndexOfAny((byte)' ', (byte)'\n');
        return Utf8Parser.TryParse(end > 0 ? text[..end] : text, out long ns, out int consumed) && consumed > 0
            ? TimeSpan.FromTicks(ns / 100)
            : throw new FormatException("unexpected content in " + path);
    }

    private static TimeSpan? FromThreadTimes(uint osThreadId)
    {
        IntPtr handle = OpenThread(ThreadQueryLimitedInformation, false, osThreadId);
        if (handle == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            // Kernel and user time come in 100 ns units, the unit of TimeSpan ticks.
            return GetThreadTimes(handle, out _, out _, out long kernel, out long user) ? TimeSpan.FromTicks(kernel + user) : null;
        }
        finally
        {
            CloseHandle(handle);
        }
    }

    [LibraryImport("kernel32", SetLastError = true)]
    private static partial IntPtr OpenThread(uint desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, uint threadId);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(IntPtr thread, out long creationTime, out long exitTime, out long kernelTime, out long userTime);

    [LibraryImport("kernel32")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}
