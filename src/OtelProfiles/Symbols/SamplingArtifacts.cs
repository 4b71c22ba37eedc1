namespace OtelProfiles.Symbols;

/// <summary>
/// Frames the act of sampling puts on a stack. The sample profiler suspends the runtime to walk stacks, and a
/// thread running a loop reaches the suspension through a GC poll, so a busy thread's innermost frame is often
/// <c>Thread.PollGC</c>: that frame belongs to the profiler, not to the app, and is dropped so the sample lands on
/// the method that was running.
/// </summary>
internal static class SamplingArtifacts
{
    public static bool IsSuspensionFrame(MethodSymbol method) =>
        method.TypeName == "System.Threading.Thread"
        && (method.MethodName == "PollGC" || method.MethodName.StartsWith("<PollGC>", StringComparison.Ordinal));
}
