namespace OtelProfiles.Symbols;

/// <summary>
/// Methods in which a thread blocks in the kernel until it is woken: a sample whose innermost frame is one of them
/// caught the thread waiting, or on its way out of the wait. The CPU profile moves the CPU such samples would take to
/// the thread's other samples (see <c>ExportRequestBuilder.AddSampledProfiles</c>).
/// <para>
/// Why: a thread that wakes while a sampler tick holds the runtime suspended is found on its way back into managed
/// code, still inside the wait method, and reported as running managed code. Its CPU time is the kernel's count, but
/// spread over its samples that share lands on the wait: a thread that reads a file every 20 ms and sleeps in between
/// showed 89% of its CPU in <c>Thread.Sleep</c>. The wait's own CPU (the system call, the wake-up) is a small part of
/// a working thread's; a thread that does nothing but wait keeps its CPU on its waits, having no other stack.
/// </para>
/// <para>
/// Only methods that block without spinning are listed, named as the profile shows them. Spin-then-block waits
/// (<c>SemaphoreSlim.WaitCore</c>, <c>ManualResetEventSlim.Wait</c>, <c>LowLevelLifoSemaphore.Wait</c>,
/// <c>SpinWait</c>) are not: their self time is mostly spinning, which is CPU the thread really used.
/// </para>
/// </summary>
internal static class BlockingWaits
{
    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
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

    /// <summary>Whether <paramref name="method"/> is a blocking wait (by the name the profile shows for it).</summary>
    public static bool IsBlockingWait(MethodSymbol method) => Methods.Contains(method.DisplayName);
}
