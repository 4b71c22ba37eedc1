using System.Diagnostics.Tracing;
using Microsoft.Extensions.Logging;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.ProfileSources;

/// <summary>What a source gets for one run: the run's sessions and symbols, the profiler's threads and failure policy.</summary>
/// <param name="Session">The run's profiling session: EventPipe sessions on this process, the sampler, the sample recorder.</param>
/// <param name="Threads">The profiler's own threads (their events are dropped; readers are started through it).</param>
/// <param name="Support">What this runtime supports (decided at the start of the run).</param>
/// <param name="Options">The options the run started with.</param>
/// <param name="Logger">The profiler's logger.</param>
/// <param name="Failures">Where failures go: <see cref="ProfilerFailures.Report"/> when the source goes on,
/// <see cref="ProfilerFailures.ThreadDied"/> when one of its threads ended.</param>
internal sealed record ProfileSourceContext(
    ProfilingSession Session,
    ProfilerThreads Threads,
    ProfileTypeSupport Support,
    OtlpProfilesOptions Options,
    ILogger Logger,
    ProfilerFailures Failures)
{
    /// <summary>
    /// Opens a runtime-provider session for an event-based profile with <paramref name="keywords"/>, read into
    /// <paramref name="sink"/> on a profiler thread named <paramref name="threadName"/>. A session that cannot be
    /// opened is reported (the source goes on without it) and gives null; a reader that dies is reported as such.
    /// </summary>
    /// <param name="keywords">The runtime provider's keywords the profile needs.</param>
    /// <param name="level">The provider's level.</param>
    /// <param name="bufferMB">The session's buffer size.</param>
    /// <param name="threadName">The name of the profiler thread that reads the session.</param>
    /// <param name="what">What the events are for, in the failure messages ("memory events").</param>
    /// <param name="sink">Where the session's events go.</param>
    public RuntimeEventsSession? TryStartEventSession(
        long keywords, EventLevel level, int bufferMB, string threadName, string what, INetTraceEventSink sink)
    {
        try
        {
            return new RuntimeEventsSession(
                Session.Sessions.StartProfileEvents(keywords, level, bufferMB),
                threadName,
                sink,
                Threads,
                ex => Failures.ThreadDied("reading " + what, ex));
        }
        catch (Exception ex)
        {
            Failures.Report("opening the session for " + what, ex);
            return null;
        }
    }
}
