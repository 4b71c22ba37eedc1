using Microsoft.Extensions.Logging;
using OtelProfiles.Collection;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// What a source gets for one run: the run's sessions and symbols, the shared session of the event-based profiles,
/// the profiler's threads and failure policy.
/// </summary>
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
    /// The run's one runtime events session for the event-based profiles: a source says what it needs through
    /// <see cref="ProfileEventsSession.Set"/> instead of opening a session of its own.
    /// </summary>
    public ProfileEventsSession Events { get; } = new(Session.Sessions, Threads, Failures);
}
