namespace OtelProfiles.Collection;

/// <summary>Provider names, event ids and keywords of the runtime events we consume (from the CLR event manifest).</summary>
internal static class RuntimeEvents
{
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    public const string RundownProvider = "Microsoft-Windows-DotNETRuntimeRundown";
    public const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";

    /// <summary>Loader: ModuleLoad events, to name the file of JIT-compiled code.</summary>
    public const long LoaderKeyword = 0x8;

    /// <summary>
    /// Jit: MethodLoadVerbose (at Verbose level) for every method compiled after the session starts, and
    /// MethodJittingStarted before each compile (<see cref="ProfilerJitTime"/> times the profiler's own).
    /// </summary>
    public const long JitKeyword = 0x10;

    /// <summary>CompilationDiagnostic: R2RGetEntryPoint, the first use of each ReadyToRun (precompiled) method.</summary>
    public const long CompilationDiagnosticKeyword = 0x2000000000;

    /// <summary>
    /// GC at Informational: among others the suspend/restart events the runtime fires around every pause of managed
    /// threads, including the sample profiler's own pause for each tick (the sampler budget measures those).
    /// </summary>
    public const long GCKeyword = 0x1;

    // Runtime provider events.
    public const int GCRestartEEEnd = 3;
    public const int GCSuspendEEBegin = 9;

    /// <summary>SuspendEEBegin reason SUSPEND_OTHER: a pause that is not for a GC, the debugger or shutdown (the sampler's).</summary>
    public const int SuspendReasonOther = 0;

    public const int MethodLoadVerbose = 143;

    /// <summary>MethodJittingStarted (Jit keyword, Verbose): raised on the compiling thread before each compile.</summary>
    public const int MethodJittingStarted = 145;
    public const int ModuleLoad = 152;
    public const int R2RGetEntryPoint = 159;

    // Rundown provider events (sent when a session that asked for rundown stops).
    public const int MethodDCEndVerbose = 144;
    public const int ModuleDCEnd = 154;

    // Sample profiler: one ThreadSample per managed thread per tick; payload is the sample kind.
    public const int ThreadSample = 0;
    public const int SampleKindExternal = 1;
    public const int SampleKindManaged = 2;
}
