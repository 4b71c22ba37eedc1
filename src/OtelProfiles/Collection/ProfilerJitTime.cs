using System.Diagnostics;

namespace OtelProfiles.Collection;

/// <summary>
/// The time the JIT spends compiling the profiler's own code on threads that are not the profiler's: the tiered
/// compilation thread, which optimizes each method again once it has been called 30 times (for code that runs once an
/// interval, that is minutes after the start), and the app's threads, which compile the span tracking callbacks they
/// run. The profiler's own threads' compiles are in their CPU already (<see cref="ProfilerCpuMeter"/>). Each compile is
/// timed from its MethodJittingStarted event to the MethodLoadVerbose event that follows it on the same thread (the
/// runtime events session asks for both: the JIT keyword at Verbose), and counted when the method is the profiler's:
/// its module is OtelProfiles.dll, or it is a generic instantiation over the profiler's types, or the profiler brought
/// it into use: its first code, compiled or precompiled, was first run on one of the profiler's threads (its
/// MethodLoadVerbose or R2RGetEntryPoint event came from there). That last rule covers what the profiler calls in
/// other libraries and the framework: Google.Protobuf's writers, <c>Dictionary&lt;long, TimeSpan&gt;</c>, the
/// framework methods only its periodic work runs, which the tiering thread optimizes again once the profiler has
/// called them often enough (bench/results/jit-idle-sample-2026-12-06.md: most of the idle app's extra JIT time after
/// its first minute). A method the app ran first stays the app's, even when the profiler calls it too, unless a profiler
/// thread compiles it again itself (a loop of it that the profiler runs, replaced on the stack): then the profiler made
/// it hot. The first minute after the profiler's start is start-up (<see cref="StartUp"/>): its compiles are not
/// charged.
/// <para>
/// What it does not see: framework methods the app ran first that only the profiler keeps calling, and the tiering
/// thread's own bookkeeping.
/// </para>
/// Fed by the runtime events reader thread; taken by the sampler's control thread.
/// </summary>
internal sealed class ProfilerJitTime
{
    private const string ProfilerAssemblyFile = "OtelProfiles.dll";

    private readonly Func<long, bool> _isProfilerThread;
    private readonly CodePredicate _isProfilerCode;
    private readonly long _chargedFrom;

    /// <summary>
    /// At most this many methods are remembered as brought into use by the profiler (about 16 bytes each, 1 MB at
    /// most). Past it, new ones are no longer charged.
    /// </summary>
    public const int MaxBroughtMethods = 65_536;

    // Thread id → the timestamp of the compile it started and has not finished. Reader thread only.
    private readonly Dictionary<long, long> _started = new();

    // The methods (by the runtime's method id) whose code first ran on a profiler thread. Reader thread only.
    private readonly HashSet<ulong> _brought = new();
    private long _qpcFrequency;
    private long _pendingTicks; // TimeSpan ticks counted since the last Take
    private int _countedCompiles;

    /// <param name="isProfilerThread">Whether an OS thread is one of the profiler's (<see cref="ProfilerThreads.Contains"/>).</param>
    /// <param name="isProfilerCode">Whether a method is the profiler's (default: <see cref="IsProfilerCode"/>, or brought into use by the profiler).</param>
    /// <param name="startUp">How long after now compiles are start-up cost, not charged (default <see cref="StartUp"/>).</param>
    public ProfilerJitTime(Func<long, bool> isProfilerThread, CodePredicate? isProfilerCode = null, TimeSpan? startUp = null)
    {
        _isProfilerThread = isProfilerThread;
        _isProfilerCode = isProfilerCode ?? (static (typeName, moduleFile, brought) => brought || IsProfilerCode(typeName, moduleFile));
        _chargedFrom = Stopwatch.GetTimestamp() + (long)((startUp ?? StartUp).TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>
    /// How long after the profiler's start the JIT's time is start-up cost: measured and reported as such (the CPU of
    /// the first minute, <c>bench/measure-idle</c>), not charged. Charged in the first seconds, the compiles of the
    /// profiler's own code (all of it, in a build that is not ReadyToRun) would put the budget in debt it cannot
    /// repay, and the sampler would rest through the start.
    /// </summary>
    public static readonly TimeSpan StartUp = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Tells whether a compiled method, by its type's name, its module's file and whether the profiler brought it into
    /// use (its first code ran on a profiler thread), is the profiler's code.
    /// </summary>
    public delegate bool CodePredicate(ReadOnlySpan<char> typeName, string? moduleFile, bool broughtByProfiler);

    /// <summary>Compiles counted so far.</summary>
    public int CountedCompiles => Volatile.Read(ref _countedCompiles);

    /// <summary>The frequency of the event timestamps (from the stream's header).</summary>
    public void SetTimestampFrequency(long qpcFrequency) => _qpcFrequency = qpcFrequency;

    /// <summary>A MethodJittingStarted event on <paramref name="threadId"/>.</summary>
    public void OnJittingStarted(long threadId, long timestamp)
    {
        if (!_isProfilerThread(threadId))
        {
            _started[threadId] = timestamp;
        }
    }

    /// <summary>
    /// A MethodLoadVerbose event on <paramref name="threadId"/>: the end of the compile it started, of method
    /// <paramref name="methodId"/> of <paramref name="typeName"/> in the module at <paramref name="moduleFile"/>.
    /// </summary>
    public void OnMethodLoaded(long threadId, long timestamp, ulong methodId, ReadOnlySpan<char> typeName, string? moduleFile)
    {
        if (_isProfilerThread(threadId))
        {
            // Compiled for the profiler's own use: its CPU is in that thread's already, its later compiles are not.
            Remember(methodId);
            return;
        }

        if (!_started.Remove(threadId, out long started) || _qpcFrequency <= 0 || timestamp < started)
        {
            return;
        }

        if (_isProfilerCode(typeName, moduleFile, _brought.Contains(methodId)))
        {
            long ticks = (long)((timestamp - started) * (double)TimeSpan.TicksPerSecond / _qpcFrequency);
            Interlocked.Add(ref _pendingTicks, ticks);
            Interlocked.Increment(ref _countedCompiles);
        }
    }

    /// <summary>
    /// An R2RGetEntryPoint event on <paramref name="threadId"/>: method <paramref name="methodId"/>'s precompiled code
    /// was looked up to run for the first time there.
    /// </summary>
    public void OnPrecompiledCodeUsed(long threadId, ulong methodId)
    {
        if (_isProfilerThread(threadId))
        {
            Remember(methodId);
        }
    }

    /// <summary>Methods remembered as brought into use by the profiler.</summary>
    public int BroughtMethods => _brought.Count;

    /// <summary>The compile time counted since the last call (zero, and nothing kept, during the start-up).</summary>
    public TimeSpan Take()
    {
        var counted = TimeSpan.FromTicks(Interlocked.Exchange(ref _pendingTicks, 0));
        return Stopwatch.GetTimestamp() >= _chargedFrom ? counted : TimeSpan.Zero;
    }

    // A method compiled or first run on a profiler thread. A method the app ran first gets here only when a profiler
    // thread compiles it again (an on-stack replacement of a loop the profiler runs); the tiering thread's recompiles
    // of it are the profiler's doing from then on.
    private void Remember(ulong methodId)
    {
        if (_brought.Count < MaxBroughtMethods)
        {
            _brought.Add(methodId);
        }
    }

    /// <summary>
    /// Whether a method is the profiler's: in its assembly, or an instantiation with one of its types as an argument
    /// (<c>Dictionary`2[System.Int64,OtelProfiles.Tracing.ThreadContextHistory]</c>).
    /// </summary>
    internal static bool IsProfilerCode(ReadOnlySpan<char> typeName, string? moduleFile) =>
        (moduleFile is not null && Path.GetFileName(moduleFile.AsSpan()).Equals(ProfilerAssemblyFile, StringComparison.OrdinalIgnoreCase))
        || typeName.Contains("[OtelProfiles.", StringComparison.Ordinal)
        || typeName.Contains(",OtelProfiles.", StringComparison.Ordinal);
}
