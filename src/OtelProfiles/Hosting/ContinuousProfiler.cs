using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Configuration;
using OtelProfiles.Diagnostics;
using OtelProfiles.Hosting;
using OtelProfiles.ProfileSources;
using OtelResource = OpenTelemetry.Resources.Resource;

namespace OtelProfiles;

/// <summary>
/// The profiler of this process: samples it through an in-process EventPipe session, aggregates the samples of
/// each export interval into OTLP profiles and hands them to the exporters. Registered by
/// <c>AddOtlpProfiles()</c> and started with the host; resolve it to start, stop or flush by hand.
/// </summary>
/// <remarks>
/// <para>Nothing here throws into the application: a failure is logged once and profiling stops; the app goes on.</para>
/// <para>
/// The profiler is in one of these states (<see cref="State"/>):
/// NotStarted - constructed, nothing runs. Start() moves it to Running; with profiling disabled by the options it
/// stays where it is.
/// Running - the sessions are open and every export interval is built and exported. Stop() moves it to Stopping.
/// A profiler thread that dies (the sampler, an event reader: their failure callbacks) moves it to Faulted.
/// Stopping - inside Stop(): the interval thread ends, the sessions close and the last interval is exported; then
/// Stopped. A failure meanwhile changes nothing: the profiler is stopping anyway.
/// Stopped - nothing runs; Start() runs it again.
/// Faulted - profiling ended by a failure, which the log names once. Entered from Running when a profiler thread
/// dies (what was still open is closed on another profiler thread: the failing one cannot close itself), or from
/// any state but Running when Start() cannot open the sessions (DOTNET_EnableDiagnostics=0, NativeAOT, no
/// writable TMPDIR). Start() tries again; Stop() leaves it Faulted.
/// Start() while Running and Stop() while not Running do nothing: both are idempotent.
/// </para>
/// <code>
///                 Start()
///   NotStarted ────────────┐
///   Stopped ─── Start() ───┤
///   Faulted ─── Start() ───┤
///                          ▼
///        ┌─────────────  Running ─── Stop() ───► Stopping ───► Stopped
///        │ a thread died
///        │ (or Start() cannot open the sessions)
///        ▼
///     Faulted
/// </code>
/// <para>
/// One lock (<c>_gate</c>) orders the transitions Start, Stop, type switches and reloads make; a dying thread only
/// flips Running to Faulted with a compare-and-swap, because it may be the very thread Stop is waiting for.
/// </para>
/// </remarks>
public sealed class ContinuousProfiler : IDisposable
{
    /// <summary>
    /// The name of the Meter that publishes the profiler's health (<c>otelprofiles.*</c>: samples per type, sampling
    /// rate reached, pause time, the profiler's CPU, exports sent, failed and dropped, bytes exported).
    /// <c>AddOtlpProfiles</c> adds it to the application's metrics when they are on (<c>WithMetrics</c>); elsewhere
    /// pass it to <c>AddMeter</c>.
    /// </summary>
    public const string MeterName = "OtelProfiles";

    // Reads through LastValidOptions: after a reload with an invalid value the monitor throws on every read, while
    // the profiler keeps the last valid settings (the errors still reach the EventSource).
    private readonly LastValidOptions _options;
    private readonly Func<OtelResource> _resource;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ProfilerThreads _threads = new();
    private readonly IDisposable? _optionsSubscription;
    private readonly ProfilerFailures _failures;
    private readonly ProfileTypeReport _typeReport;
    private readonly IReadOnlyList<IProfileSource> _sources = ProfileSourceRegistry.CreateSources();
    private readonly object _cutsGate = new();
    private int _state = (int)ProfilerState.NotStarted;
    private ProfilingRun? _run;
    private ProfileTypes _requestedTypes;
    private ProfileTypes _optionsTypes;
    private int _cutsCompleted;
    private int _intervalsExported;
    private bool _disposed;

    internal ContinuousProfiler(IOptionsMonitor<OtlpProfilesOptions> options, Func<OtelResource> resource, ILogger? logger)
    {
        _options = new LastValidOptions(options);
        _resource = resource;
        _logger = logger ?? NullLogger.Instance;
        _failures = new ProfilerFailures(_logger);
        _typeReport = new ProfileTypeReport(_logger);
        _requestedTypes = _optionsTypes = _options.Current.ProfileTypes;
        _optionsSubscription = options.OnChange(OnOptionsChanged);
        Health.ProfilerMeter.Register(this);
    }

    /// <summary>Where the profiler is in its life: running, stopped, or ended by a failure (see the remarks on the class).</summary>
    public ProfilerState State => (ProfilerState)Volatile.Read(ref _state);

    /// <summary>True while sampling is on (<see cref="State"/> is <see cref="ProfilerState.Running"/>).</summary>
    public bool IsRunning => State == ProfilerState.Running;

    /// <summary>Export requests built so far (each is one interval).</summary>
    public int IntervalsExported => Volatile.Read(ref _intervalsExported);

    /// <summary>Statistics of the last built interval (null before the first).</summary>
    internal BuildStatistics? LastBuild { get; private set; }

    /// <summary>The session in force (tests and diagnostics).</summary>
    internal ProfilingSession? Session
    {
        get
        {
            lock (_gate)
            {
                return _run?.Session;
            }
        }
    }

    /// <summary>Profiler threads alive (tests check that start/stop leaks none).</summary>
    internal int ThreadCount => _threads.Count;

    /// <summary>
    /// The profile types being collected now: those asked for (by <see cref="SetProfileTypes"/> or the options)
    /// that this runtime supports. <see cref="ProfileTypes.None"/> while profiling is off.
    /// </summary>
    public ProfileTypes ActiveProfileTypes
    {
        get
        {
            lock (_gate)
            {
                return State == ProfilerState.Running && _run is { } run ? run.ActiveTypes : ProfileTypes.None;
            }
        }
    }

    /// <summary>
    /// Switches the profile types collected, at once and without restarting anything else: the interval in
    /// progress is exported with the old types, and the next one holds the new types. A type this runtime cannot
    /// provide is reported once in the log and skipped. Also applies to later starts; a later change of
    /// <see cref="OtlpProfilesOptions.ProfileTypes"/> (configuration reload) replaces it again.
    /// </summary>
    /// <param name="types">The types to collect; at least one.</param>
    /// <exception cref="ArgumentException"><paramref name="types"/> is empty or holds unknown flags.</exception>
    public void SetProfileTypes(ProfileTypes types)
    {
        if (types == ProfileTypes.None || (types & ~ProfileTypeNames.Known) != 0)
        {
            throw new ArgumentException(
                $"'{types}' is not a set of known profile types; use at least one of {ProfileTypeNames.List} (call Stop() to stop profiling)",
                nameof(types));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _requestedTypes = types;
            SwitchTypesIfRunning(types);
        }
    }

    /// <summary>
    /// Starts profiling with the current options. Returns false, after logging why, when profiling is disabled or
    /// this process cannot be profiled (DOTNET_EnableDiagnostics=0, NativeAOT, no writable TMPDIR).
    /// </summary>
    public bool Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State == ProfilerState.Running)
            {
                return true;
            }

            // A run that faulted and is not closed yet (its closing thread waits for this lock) is closed first.
            ShutDownRun(TimeSpan.Zero);

            OtlpProfilesOptions options = _options.Current;
            ProfilingStartupLog.Started(_logger, options);
            if (!options.Enabled)
            {
                return false;
            }

            var fault = new RunFault();
            try
            {
                ProfileTypeSupport support = ProfileTypeSupport.Detect();
                _typeReport.Report(_requestedTypes, support);
                _run = ProfilingRun.Start(
                    options,
                    _requestedTypes & support.Available,
                    support,
                    _sources,
                    _threads,
                    _failures.ForRun((_, _) => OnThreadDied(fault)),
                    () => _options.Current.ExportInterval,
                    _resource,
                    _logger,
                    OnIntervalCut);
            }
            catch (Exception ex)
            {
                ProfilingStartupLog.SessionCannotStart(_logger, ex);
                SetState(ProfilerState.Faulted);
                return false;
            }

            fault.Run = _run;
            SetState(ProfilerState.Running);

            // A thread that died while the run was starting found the profiler not yet Running: fault it now. (The
            // fence pairs with the one in OnThreadDied: one of the two sides sees what the other wrote.)
            Interlocked.MemoryBarrier();
            if (fault.Happened)
            {
                Fault(fault);
            }

            return true;
        }
    }

    /// <summary>
    /// Starts profiling on one of the profiler's own threads, so the start-up work (opening sessions, the first
    /// rundown) is neither waited for by the caller nor sampled as the application's.
    /// </summary>
    internal Task<bool> StartInBackground()
    {
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _threads.Start("OtelProfiles.Start", () =>
        {
            try
            {
                started.SetResult(Start());
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        return started.Task;
    }

    /// <summary>Stops profiling: the samples of the unfinished interval are built and exported (bounded by ShutdownTimeout).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (Interlocked.CompareExchange(ref _state, (int)ProfilerState.Stopping, (int)ProfilerState.Running) != (int)ProfilerState.Running)
            {
                // Not running: nothing to stop, unless a faulted run is still to be closed.
                ShutDownRun(_options.Current.ShutdownTimeout);
                return;
            }

            ShutDownRun(_options.Current.ShutdownTimeout);
            SetState(ProfilerState.Stopped);
            Log.ProfilingStopped(_logger);
            OtelProfilesEventSource.Log.ProfilerStopped();
        }
    }

    /// <summary>
    /// Ends the current interval now, exports it and waits until every exporter has sent what it holds.
    /// Returns false when that did not finish within <paramref name="timeoutMilliseconds"/>.
    /// </summary>
    public bool ForceFlush(int timeoutMilliseconds = 10_000)
    {
        ProfilingRun? run;
        lock (_gate)
        {
            run = _run;
            if (run is null || !IsRunning)
            {
                return true;
            }
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMilliseconds);
        int before = Volatile.Read(ref _cutsCompleted);
        run.CutNow();
        lock (_cutsGate)
        {
            // Woken by the end of every interval and by every change of state.
            while (_cutsCompleted == before && IsRunning && deadline - DateTime.UtcNow is { Ticks: > 0 } left)
            {
                Monitor.Wait(_cutsGate, left);
            }
        }

        return run.FlushQueues(deadline) && Volatile.Read(ref _cutsCompleted) != before;
    }

    /// <summary>Stops profiling and releases everything.</summary>
    public void Dispose()
    {
        Stop();
        lock (_gate)
        {
            _disposed = true;
        }

        _optionsSubscription?.Dispose();
    }

    /// <summary>Switches the running profiler to <paramref name="requested"/> (called with <see cref="_gate"/> held).</summary>
    private void SwitchTypesIfRunning(ProfileTypes requested)
    {
        if (State != ProfilerState.Running || _run is not { } run)
        {
            return;
        }

        _typeReport.Report(requested, run.Support);
        ProfileTypes types = requested & run.Support.Available;
        if (types == run.ActiveTypes)
        {
            return;
        }

        ProfileTypes active = run.Switch(types);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string names = ProfileTypeNames.Format(active);
            Log.ProfileTypesChanged(_logger, names);
        }
    }

    /// <summary>Closes the run, if any (called with <see cref="_gate"/> held); the state is the caller's to set.</summary>
    private void ShutDownRun(TimeSpan shutdownTimeout)
    {
        if (_run is { } run)
        {
            _run = null;
            run.Shutdown(shutdownTimeout);
        }
    }

    private void OnIntervalCut(BuildStatistics? statistics)
    {
        if (statistics is not null)
        {
            // A request was built and handed to the exporters: an interval without data builds none.
            LastBuild = statistics;
            Interlocked.Increment(ref _intervalsExported);
        }

        lock (_cutsGate)
        {
            _cutsCompleted++;
            Monitor.PulseAll(_cutsGate);
        }
    }

    /// <summary>A thread of the run died (called on that thread: it must not wait for <see cref="_gate"/>).</summary>
    private void OnThreadDied(RunFault fault)
    {
        fault.Happened = true;
        Interlocked.MemoryBarrier();
        if (fault.Run is not null)
        {
            Fault(fault);
        }
    }

    /// <summary>
    /// Running → Faulted when the run that failed is the one running (the compare-and-swap lets one caller through);
    /// the run is then closed on a profiler thread of its own, which waits for whatever holds <see cref="_gate"/>.
    /// </summary>
    private void Fault(RunFault fault)
    {
        if (!ReferenceEquals(Volatile.Read(ref _run), fault.Run)
            || Interlocked.CompareExchange(ref _state, (int)ProfilerState.Faulted, (int)ProfilerState.Running) != (int)ProfilerState.Running)
        {
            return;
        }

        PulseWaiters();
        ProfilingRun failed = fault.Run!;
        _threads.Start("OtelProfiles.Fault", () =>
        {
            lock (_gate)
            {
                // Stop or Start may have closed it meanwhile.
                if (ReferenceEquals(_run, failed))
                {
                    ShutDownRun(_options.Current.ShutdownTimeout);
                }
            }
        });
    }

    private void SetState(ProfilerState state)
    {
        Volatile.Write(ref _state, (int)state);
        PulseWaiters();
    }

    private void PulseWaiters()
    {
        lock (_cutsGate)
        {
            Monitor.PulseAll(_cutsGate);
        }
    }

    private void OnOptionsChanged(OtlpProfilesOptions options, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        try
        {
            // A changed ProfileTypes replaces whatever SetProfileTypes chose; an unrelated reload does not.
            lock (_gate)
            {
                if (options.ProfileTypes != _optionsTypes && options.ProfileTypes != ProfileTypes.None)
                {
                    _optionsTypes = options.ProfileTypes;
                    _requestedTypes = options.ProfileTypes;
                    if (options.Enabled)
                    {
                        SwitchTypesIfRunning(options.ProfileTypes);
                    }
                }
            }

            // Enabling or disabling applies at once; other settings take effect on the next start.
            if (!options.Enabled && IsRunning)
            {
                Stop();
            }
            else if (options.Enabled && !IsRunning && !_disposed)
            {
                Start();
            }
        }
        catch (Exception ex)
        {
            _failures.Report("applying changed options", ex);
        }
    }

    /// <summary>Whether one run lost a thread, and which run it is (known once the run has started).</summary>
    private sealed class RunFault
    {
        private volatile bool _happened;
        private volatile ProfilingRun? _run;

        public bool Happened
        {
            get => _happened;
            set => _happened = value;
        }

        public ProfilingRun? Run
        {
            get => _run;
            set => _run = value;
        }
    }
}
