using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.NETCore.Client;

namespace OtelProfiles.Collection;

/// <summary>
/// Opens EventPipe sessions on the current process through its own diagnostics port, and turns the ways that can
/// fail into one <see cref="ProfilerUnavailableException"/> that names the cause and the fix.
/// </summary>
internal sealed class EventPipeSessions
{
    private readonly DiagnosticsClient _client;

    private EventPipeSessions(DiagnosticsClient client) => _client = client;

    /// <summary>Checks that in-process sampling can work here and connects to this process's diagnostics port.</summary>
    public static EventPipeSessions ForCurrentProcess()
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new ProfilerUnavailableException(
                "this process runs as NativeAOT, which has no EventPipe sample profiler; profile a JIT build of the app instead");
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableDiagnostics") == "0"
            || Environment.GetEnvironmentVariable("COMPlus_EnableDiagnostics") == "0")
        {
            throw new ProfilerUnavailableException(
                "DOTNET_EnableDiagnostics=0 disables the diagnostics port; remove it (or set DOTNET_EnableDiagnostics_IPC=1 on .NET 8+)");
        }

        return new EventPipeSessions(new DiagnosticsClient(Environment.ProcessId));
    }

    /// <summary>
    /// The long-lived session for method and module events (cheap: a few events per compiled method). Without stacks:
    /// the method map needs the events' payloads only, and a stack per event is a walk of the compiling thread's stack.
    /// </summary>
    public EventPipeSession StartRuntimeEvents() => Start(
        [new EventPipeProvider(
            RuntimeEvents.RuntimeProvider,
            EventLevel.Verbose,
            RuntimeEvents.LoaderKeyword | RuntimeEvents.JitKeyword | RuntimeEvents.CompilationDiagnosticKeyword)],
        requestRundown: false,
        bufferMB: 16,
        EventStacks.None);

    /// <summary>
    /// The runtime-provider session the event-based profiles (memory, locks, exceptions) share, with the union of their
    /// keywords. Each event carries the stack of the thread that raised it: that stack is the sample.
    /// </summary>
    public EventPipeSession StartProfileEvents(long keywords, EventLevel level, int bufferMB) => Start(
        [new EventPipeProvider(RuntimeEvents.RuntimeProvider, level, keywords)],
        requestRundown: false,
        bufferMB: bufferMB,
        EventStacks.Walked);

    /// <summary>A session that only exists to be stopped: stopping it makes the runtime enumerate every loaded method.</summary>
    public EventPipeSession StartRundown() => Start(
        [new EventPipeProvider(RuntimeEvents.RuntimeProvider, EventLevel.Informational, 0)],
        requestRundown: true,
        bufferMB: 32,
        EventStacks.None);

    /// <summary>
    /// A sampler session (one duty-cycle window). The GC keyword at Informational adds four small events per tick,
    /// the runtime's suspend/restart of managed threads around each sample, which is how the window's cost (the
    /// time the app was paused) is measured; it stays below Verbose, so no allocation-tick events come with it.
    /// <para>
    /// Without stack walks: the sample profiler hands each thread sample the stack it walked itself, which a session
    /// without stack walks keeps. What it drops are the stacks of the GC keyword's events raised on a managed thread:
    /// for a collection an app thread triggers inside a window, a walk of that thread's stack per event, while the app
    /// is paused.
    /// </para>
    /// </summary>
    public EventPipeSession StartSampler() => Start(
        [
            new EventPipeProvider(RuntimeEvents.SampleProfilerProvider, EventLevel.Informational),
            new EventPipeProvider(RuntimeEvents.RuntimeProvider, EventLevel.Informational, RuntimeEvents.GCKeyword),
        ],
        requestRundown: false,
        bufferMB: 16,
        EventStacks.None);

    private EventPipeSession Start(EventPipeProvider[] providers, bool requestRundown, int bufferMB, EventStacks stacks)
    {
        try
        {
            return _client.StartEventPipeSession(new EventPipeSessionConfiguration(
                providers,
                bufferMB,
                requestRundown,
                requestStackwalk: stacks == EventStacks.Walked));
        }
        catch (ServerNotAvailableException ex)
        {
            throw new ProfilerUnavailableException(
                "the runtime's diagnostics port is not available (DOTNET_EnableDiagnostics=0, or TMPDIR/the temp folder is not writable); "
                + "allow diagnostics and make TMPDIR writable", ex);
        }
        catch (UnsupportedCommandException ex)
        {
            throw new ProfilerUnavailableException("this runtime does not support the EventPipe commands needed; use .NET 8 or later", ex);
        }
        catch (ServerErrorException ex)
        {
            throw new ProfilerUnavailableException("the runtime refused the EventPipe session: " + ex.Message, ex);
        }
        catch (TimeoutException ex)
        {
            throw new ProfilerUnavailableException("the diagnostics port did not answer in time", ex);
        }
    }
}

/// <summary>Whether a session's runtime walks the raising thread's stack for each event it records.</summary>
internal enum EventStacks
{
    /// <summary>No walks: events carry only their payload (or, for thread samples, the stack the sampler walked).</summary>
    None,

    /// <summary>Each event carries the managed stack of the thread that raised it.</summary>
    Walked,
}
