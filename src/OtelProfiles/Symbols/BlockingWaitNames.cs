namespace OtelProfiles.Symbols;

/// <summary>
/// The names, as profiles show them, of the runtime's methods that block in the kernel without spinning: a sample
/// whose innermost frame is one of them caught the thread waiting, or on its way out of the wait. The CPU profile
/// moves the CPU such samples would take to the thread's other samples (<c>ExportRequestBuilder.AddSampledProfiles</c>);
/// <c>otel-profiles</c> compiles this file too, to report what is left at waits in a CPU profile.
/// <para>
/// Why: a thread that wakes while a sampler tick holds the runtime suspended is found on its way back into managed
/// code, still inside the wait method, and reported as running managed code. Its CPU time is the kernel's count, but
/// spread over its samples that share lands on the wait: a thread that reads a file every 20 ms and sleeps in between
/// showed 89% of its CPU in <c>Thread.Sleep</c>. The wait's own CPU (the system call, the wake-up) is a small part of
/// a working thread's; a thread that does nothing but wait keeps its CPU on its waits, having no other stack.
/// </para>
/// Spin-then-block waits (<c>SemaphoreSlim.WaitCore</c>, <c>ManualResetEventSlim.Wait</c>,
/// <c>LowLevelLifoSemaphore.Wait</c>, <c>SpinWait</c>) are not listed: their self time is mostly spinning, which is
/// CPU the thread really used.
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
