namespace OtelProfiles.Symbols;

/// <summary>
/// Frames at which a thread blocks in the kernel until it is woken: a sample whose innermost frame is one of them
/// caught the thread waiting, or on its way out of the wait. The CPU profile moves the CPU such samples would take to
/// the thread's other samples (see <c>ExportRequestBuilder.AddSampledProfiles</c>).
/// <para>
/// Why: a thread that wakes while a sampler tick holds the runtime suspended is found on its way back into managed
/// code, still inside the wait method, and reported as running managed code. Its CPU time is the kernel's count, but
/// spread over its samples that share lands on the wait: a thread that reads a file every 20 ms and sleeps in between
/// showed 89% of its CPU in <c>Thread.Sleep</c>. The wait's own CPU (the system call, the wake-up) is a small part of
/// a working thread's; a thread that does nothing but wait keeps its CPU on its waits, having no other stack.
/// </para>
/// The names are <see cref="BlockingWaitNames"/>.
/// </summary>
internal static class BlockingWaits
{
    /// <summary>Whether <paramref name="method"/> is a blocking wait (by the name the profile shows for it).</summary>
    public static bool IsBlockingWait(MethodSymbol method) => BlockingWaitNames.Contains(method.DisplayName);
}
