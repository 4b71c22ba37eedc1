using System.Runtime.InteropServices;

namespace OtelProfiles.Collection;

/// <summary>
/// CPU time one thread of this process has used, by its operating-system id (<see cref="OsThreadId"/>). .NET has
/// no API for another thread's CPU time, so: Linux reads the thread's CPU-time clock (<c>clock_gettime</c>, the
/// scheduler's run time in nanoseconds, as <c>/proc/self/task/&lt;id&gt;/schedstat</c> shows it), Windows asks
/// <c>GetThreadTimes</c>. Elsewhere, or when the thread has ended, there is no reading. Used to charge the profiler's
/// own threads to its overhead budget.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const uint ThreadQueryLimitedInformation = 0x0800;

    // Linux's thread CPU-time clock ids (include/linux/posix-timers.h): the id above these bits, then "per thread"
    // and "scheduler time".
    private const int CpuClockShift = 3;
    private const int CpuClockPerThread = 4;
    private const int CpuClockSched = 2;

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
                return FromThreadClock(osThreadId);
            }

            if (OperatingSystem.IsWindows())
            {
                return FromThreadTimes((uint)osThreadId);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without the call: no reading.
        }

        return null;
    }

    private static TimeSpan? FromThreadClock(long osThreadId)
    {
        // One system call and no allocation: the sampler's control thread reads every profiler and runtime EventPipe
        // thread a few times a period, and the CPU profile every sampled thread once an interval. Reading
        // /proc/self/task/<id>/schedstat (the same figure) took a path string and a file handle each time: on an idle
        // app, about a quarter of what the profiler allocated.
        if (ClockGetTime(ThreadCpuClock(osThreadId), out TimeSpec time) != 0)
        {
            // EINVAL: the thread has ended (or is not one of this process's).
            return null;
        }

        return TimeSpan.FromTicks(((long)time.Seconds * TimeSpan.TicksPerSecond) + ((long)time.Nanoseconds / 100));
    }

    /// <summary>
    /// The clock of one thread's CPU time (the scheduler's run time, the first field of its schedstat), named by its
    /// thread id as the kernel encodes it (<c>MAKE_THREAD_CPUCLOCK</c>: the id's complement shifted past three flag
    /// bits). Readable for the threads of the calling process only.
    /// </summary>
    internal static int ThreadCpuClock(long osThreadId) => (~(int)osThreadId << CpuClockShift) | CpuClockPerThread | CpuClockSched;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        // time_t and long: 64-bit on 64-bit Linux, 32-bit on 32-bit Linux.
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

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
