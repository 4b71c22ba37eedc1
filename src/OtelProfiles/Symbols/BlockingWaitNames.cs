namespace OtelProfiles.Symbols;

/// <summary>
/// The names, as profiles show them, of the runtime's methods that block in the kernel without spinning. The library
/// uses them to keep CPU off waits (<c>BlockingWaits</c>); <c>otel-profiles</c> compiles this file too, to report
/// what is left at waits in a CPU profile. Spin-then-block waits (<c>SemaphoreSlim.WaitCore</c>,
/// <c>ManualResetEventSlim.Wait</c>, <c>LowLevelLifoSemaphore.Wait</c>, <c>SpinWait</c>) are not listed: their self
/// time is mostly spinning, which is CPU the thread really used.
/// </summary>
internal static class BlockingWaitNames
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "System.Threading.Thread.Sleep",
        "System.Threading.Thread.SleepInternal",
        "System.Threading.Monitor.Wait",
        "System.Threading.Monitor.ObjWait",
        "System.Threading.WaitHandle.WaitOneNoCheck",
        "System.Threading.WaitHandle.WaitOneCore",
        "System.Threading.WaitHandle.WaitMultipleIgnoringSyncContext",
        "System.Threading.LowLevelLifoSemaphore.WaitForSignal",
        "System.Threading.LowLevelLifoSemaphore.WaitNative",
        "System.Threading.LowLevelMonitor.WaitCore",
        "Interop.Sys.LowLevelMonitor_Wait",
        "Interop.Sys.LowLevelMonitor_TimedWait",
        "Interop.Sys.WaitForSocketEvents",
    };

    /// <summary>Whether the frame named <paramref name="name"/> is a blocking wait.</summary>
    public static bool Contains(string name) => Names.Contains(name);
}
