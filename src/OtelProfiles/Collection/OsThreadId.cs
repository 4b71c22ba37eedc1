using System.Runtime.InteropServices;

namespace OtelProfiles.Collection;

/// <summary>
/// The operating-system id of the calling thread, as EventPipe reports it in event headers (gettid on Linux,
/// GetCurrentThreadId on Windows, pthread_threadid_np on macOS). Used to keep the profiler's own threads out of
/// its profiles.
/// </summary>
internal static partial class OsThreadId
{
    public static long Current()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return LinuxGetTid();
            }

            if (OperatingSystem.IsWindows())
            {
                return WindowsGetCurrentThreadId();
            }

            if (OperatingSystem.IsMacOS())
            {
                return MacThreadId(IntPtr.Zero, out ulong id) == 0 ? (long)id : -1;
            }
        }
        catch (EntryPointNotFoundException)
        {
        }
        catch (DllNotFoundException)
        {
        }

        return -1;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int LinuxGetTid();

    [LibraryImport("kernel32", EntryPoint = "GetCurrentThreadId")]
    private static partial uint WindowsGetCurrentThreadId();

    [LibraryImport("libSystem.dylib", EntryPoint = "pthread_threadid_np")]
    private static partial int MacThreadId(IntPtr thread, out ulong id);
}
