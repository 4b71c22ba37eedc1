using System.Reflection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Diagnostics;
using OtelProfiles.Health;
using OtelProfiles.ProfileSources;
using OtelProfiles.Symbols;
using OtelProfiles.Tags;
using OtelProfiles.Tracing;
using OtelResource = OpenTelemetry.Resources.Resource;

namespace OtelProfiles.Hosting;

/// <summary>
/// Everything one start of the profiler creates, until its stop: the profiling session (symbols, sampler), the
/// sources' sessions, the export queues and the interval scheduler. Ends intervals (on the scheduler's thread, on
/// a switch, at the end) and switches types; the lifecycle around it is <see cref="ContinuousProfiler"/>'s.
/// </summary>
internal sealed class ProfilingRun : IDisposable
{
    private static readonly TimeSpan EventCatchUpDelay = TimeSpan.FromMilliseconds(250);

    private readonly ProfilingSession _session;
    private readonly IReadOnlyList<IProfileSource> _sources;
    private readonly ExportQueues _queues;
    private readonly ExportRequestBuilder _builder;
    private readonly IntervalScheduler _scheduler;
    private readonly Func<OtelResource> _resource;
    private readonly ProfilerFailures _failures;
    private readonly Action<BuildStatistics?> _onCut;
    private readonly ProfileEventsSession _events;
    private readonly object _cutGate = new();
    private ProfileTypes _active;
    private int _ended;

    private ProfilingRun(
        ProfilingSession session,
        ProfileTypeSupport support,
        IReadOnlyList<IProfileSource> sources,
        ExportQueues queues,
        Func<TimeSpan> exportInterval,
        Func<OtelResource> resource,
        ProfilerFailures failures,
        Action<BuildStatistics?> onCut,
        ProfileEventsSession events)
    {
        _session = session;
        Support = support;
        _sources = sources;
        _queues = queues;
        _resource = resource;
        _failures = failures;
        _onCut = onCut;
        _events = events;
        _builder = new ExportRequestBuilder(session.Frames, session.ThreadNames.Find, Scope, CreateTagLookup());
        _scheduler = new IntervalScheduler(exportInterval, CutOnSchedule);
    }

    /// <summary>The profiling session (tests and diagnostics).</summary>
    public ProfilingSession Session => _session;

    /// <summary>What this runtime supports (decided at the start of the run).</summary>
    public ProfileTypeSupport Support { get; }

    /// <summary>The profile types collected now (read and changed under the profiler's lock).</summary>
    public ProfileTypes ActiveTypes => _active;

    /// <summary>
    /// Opens the sessions and collects <paramref name="types"/>. Throws when this process cannot be profiled
    /// (<see cref="ProfilerUnavailableException"/>) or an exporter setting is invalid; nothing is left open then.
    /// </summary>
    /// <param name="options">The options in force for this run.</param>
    /// <param name="types">The profile types to collect from the start.</param>
    /// <param name="support">What this runtime supports.</param>
    /// <param name="sources">The profile sources, one per family.</param>
    /// <param name="threads">The profiler's own threads (their samples are dropped, their CPU charged).</param>
    /// <param name="failures">Where failures of the run's threads are reported.</param>
    /// <param name="exportInterval">The export interval in force, read at every cut.</param>
    /// <param name="resource">The app's OpenTelemetry Resource, read when a request is built.</param>
    /// <param name="logger">The profiler's log.</param>
    /// <param name="onCut">Called after every interval ended without failing (with what its build saw, or null when it sent nothing).</param>
    public static ProfilingRun Start(
        OtlpProfilesOptions options,
        ProfileTypes types,
        ProfileTypeSupport support,
        IReadOnlyList<IProfileSource> sources,
        ProfilerThreads threads,
        ProfilerFailures failures,
        Func<TimeSpan> exportInterval,
        Func<OtelResource> resource,
        ILogger logger,
        Action<BuildStatistics?> onCut)
    {
        ExportQueues queues = ExportQueues.Create(options, logger, failures, threads);
        ProfilingSession? session = null;
        try
        {
            // Spans and tags are tracked from before the first sample, for the recorders to join samples with.
            ProfileTagValueLimit.SetLogger(logger);
            SampleContextTracker.Start(options.SpanLinks);

            // The sampler source switches the sampler on once the session (and its first rundown) is ready.
            session = ProfilingSession.Start(
                new ProfilingSessionSettings(
                    options.SamplingFrequencyHz,
                    options.SamplerPeriod,
                    Sampling: false,
                    MaxPausedFraction: options.SamplingOverheadPercent / 100),
                threads,
                failures.ThreadDied);
            var context = new ProfileSourceContext(session, threads, support, options, logger, failures);
            foreach (IProfileSource source in sources)
            {
                source.Start(context);
            }

            var run = new ProfilingRun(session, support, sources, queues, exportInterval, resource, failures, onCut, context.Events);
            run._active = run.ApplyAll(types);
            run._scheduler.Start(threads);
            return run;
        }
        catch
        {
            foreach (IProfileSource source in sources)
            {
                source.Apply(ProfileTypes.None);
            }

            session?.Dispose();
            SampleContextTracker.Stop();
            queues.Dispose(TimeSpan.Zero);
            throw;
        }
    }

    /// <summary>Asks the scheduler to end the interval now.</summary>
    public void CutNow() => _scheduler.CutNow();

    /// <summary>Waits until every exporter has sent what it holds; false when not done by <paramref name="deadline"/>.</summary>
    public bool FlushQueues(DateTime deadline) => _queues.Flush(deadline);

    /// <summary>
    /// Stops what the new types no longer need, exports the interval in progress with the old types, then starts
    /// what they add. Returns the types collected from now on.
    /// </summary>
    public ProfileTypes Switch(ProfileTypes types)
    {
        NarrowAll(types);

        Cut(final: false);
        _active = ApplyAll(types);
        return _active;
    }

    /// <summary>
    /// Ends the run as <see cref="Shutdown"/> does, without waiting for the exporters to send the last interval.
    /// <see cref="ContinuousProfiler"/> ends its runs with <see cref="Shutdown"/> and its shutdown timeout.
    /// </summary>
    public void Dispose() => Shutdown(TimeSpan.Zero);

    /// <summary>
    /// Ends the run: the scheduler stops, the sessions close (their last events reach the recorders), the last
    /// interval is built and exported, and the queues get up to <paramref name="shutdownTimeout"/> to send it.
    /// Only the first call ends the run; later ones (and <see cref="Dispose"/> after it) do nothing.
    /// </summary>
    public void Shutdown(TimeSpan shutdownTimeout)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _scheduler.Dispose();

        // Narrowed, not applied: the last interval is built with the types it was collected for.
        NarrowAll(ProfileTypes.None);

        _session.Dispose();
        Cut(final: true);

        // The last interval is named: the frame resolver opens no more precompiled images for this run, and no
        // runtime events session stays open after it.
        _session.Frames.Dispose();
        _events.Dispose();
        SampleContextTracker.Stop();
        _queues.Dispose(shutdownTimeout);
    }

    // The event-based sources share one session: narrowed or applied together, they reopen or close it once.
    private void NarrowAll(ProfileTypes types) => _events.NarrowAll(_sources, types);

    private ProfileTypes ApplyAll(ProfileTypes types)
    {
        ProfileTypes active = _events.ApplyAll(_sources, types);

        // Event-based samples (allocations, locks, exceptions) can come at any time and need every span change
        // recorded; the sampler's come only inside its windows.
        SampleContextTracker.SamplerWindowsOnly = (active & ~(ProfileTypes.Cpu | ProfileTypes.Wall)) == 0;
        return active;
    }

    private void CutOnSchedule() => Cut(final: false);

    private void Cut(bool final)
    {
        lock (_cutGate)
        {
            try
            {
                _onCut(CutLocked(final));
                SampleContextTracker.Trim();
            }
            catch (Exception ex)
            {
                _failures.Report("building profiles", ex);
            }
        }
    }

    private BuildStatistics? CutLocked(bool final)
    {
        IntervalSamples interval = _session.Recorder.TakeInterval(DateTime.UtcNow);
        var parts = new List<IIntervalProfiles>(_sources.Count);
        foreach (IProfileSource source in _sources)
        {
            if (source.TakeInterval(interval) is { } part)
            {
                parts.Add(part);
            }
        }

        BuildStatistics? statistics = null;
        ExportProfilesServiceRequest? built = null;
        if (parts.Exists(p => p.HasData))
        {
            // Method events trail samples by ~100-200 ms (the runtime flushes every 100 ms): give them time to land.
            if (!final)
            {
                Thread.Sleep(EventCatchUpDelay);
            }

            _session.RefreshImages();
            if (!final)
            {
                _session.RefreshSymbolsIfNeeded(interval);
            }

            _session.ThreadNames.Refresh(parts.SelectMany(p => p.ThreadIds).Where(id => id != 0).Distinct());
            (built, statistics) = _builder.Build(interval, ResourceConverter.ToProto(_resource()), parts);
            _queues.Enqueue(built);
        }

        // The health metrics: once per interval, off the app's threads.
        ProfilerHealth.Shared.RecordInterval(interval, built);

        // The request holds copies of what it needs: the samples' table goes back to be filled again.
        _session.Recorder.Recycle(interval.Samples);
        return statistics;
    }

    private static Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?> CreateTagLookup()
    {
        ProfileTagResolver resolver = ProfileTagResolver.CreateFromRegistry();
        return symbol => resolver.TagsFor(symbol.MethodId, symbol.TypeName, symbol.MethodName);
    }

    private static InstrumentationScope Scope { get; } = new()
    {
        Name = "OtelProfiles",
        Version = typeof(ContinuousProfiler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(ContinuousProfiler).Assembly.GetName().Version?.ToString() ?? "0.0.0",
    };
}
