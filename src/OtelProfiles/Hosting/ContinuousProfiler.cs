using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Configuration;
using OtelProfiles.Diagnostics;
using OtelProfiles.Export;
using OtelProfiles.Symbols;
using OtelProfiles.Tags;
using OtelResource = OpenTelemetry.Resources.Resource;

namespace OtelProfiles;

/// <summary>
/// The profiler of this process: samples it through an in-process EventPipe session, aggregates the samples of
/// each export interval into OTLP profiles and hands them to the exporters. Registered by
/// <c>AddOtlpProfiles()</c> and started with the host; resolve it to start, stop or flush by hand.
/// </summary>
/// <remarks>
/// Nothing here throws into the application: a failure is logged once and profiling stops; the app goes on.
/// </remarks>
public sealed class ContinuousProfiler : IDisposable
{
    private static readonly TimeSpan EventCatchUpDelay = TimeSpan.FromMilliseconds(250);

    // Reads through LastValidOptions: after a reload with an invalid value the monitor throws on every read, while
    // the profiler keeps the last valid settings (the errors still reach the EventSource).
    private readonly LastValidOptions _options;
    private readonly Func<OtelResource> _resource;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly ProfilerThreads _threads = new();
    private SamplingRateReport? _rateReport;
    private readonly IDisposable? _optionsSubscription;
    private readonly HashSet<string> _loggedFailures = new(StringComparer.Ordinal);
    private readonly object _cutGate = new();
    private readonly ProfileTypeReport _typeReport;
    private ProfilingSession? _session;
    private EventProfilers? _events;
    private ProfileTypeSupport _support = ProfileTypeSupport.Detect();
    private ProfileTypes _requestedTypes;
    private ProfileTypes _optionsTypes;
    private ProfileTypes _activeTypes;
    private List<ExportQueue> _queues = [];
    private ExportRequestBuilder? _builder;
    private Thread? _intervalThread;
    private AutoResetEvent _cutNow = new(false);
    private ManualResetEventSlim _stopping = new();
    private int _cutsCompleted;
    private int _intervalsExported;
    private bool _disposed;

    internal ContinuousProfiler(IOptionsMonitor<OtlpProfilesOptions> options, Func<OtelResource> resource, ILogger? logger)
    {
        _options = new LastValidOptions(options);
        _resource = resource;
        _logger = logger ?? NullLogger.Instance;
        _typeReport = new ProfileTypeReport(_logger);
        _requestedTypes = _optionsTypes = _options.Current.ProfileTypes;
        _optionsSubscription = options.OnChange(OnOptionsChanged);
    }

    /// <summary>True while sampling is on.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _session is not null;
            }
        }
    }

    /// <summary>
    /// Export requests built and handed to the exporters so far, one per interval that had samples or events (an
    /// interval without data builds no request and is not counted).
    /// </summary>
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
                return _session;
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
                return _session is null ? ProfileTypes.None : _activeTypes;
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
            if (_session is not null)
            {
                SwitchTypes(types);
            }
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
            if (_session is not null)
            {
                return true;
            }

            OtlpProfilesOptions options = _options.Current;
            ProfilingStartupLog.Started(_logger, options);
            if (!options.Enabled)
            {
                return false;
            }

            try
            {
                _queues = CreateQueues(options);
                _support = ProfileTypeSupport.Detect();
                _typeReport.Report(_requestedTypes, _support);
                ProfileTypes types = _requestedTypes & _support.Available;
                _session = ProfilingSession.Start(
                    new ProfilingSessionSettings(
                        options.SamplingFrequencyHz,
                        options.SamplerPeriod,
                        Sampling: UsesSampler(types),
                        MaxPausedFraction: options.SamplingOverheadPercent / 100),
                    _threads,
                    OnBackgroundFailure);
                _events = new EventProfilers(_session.Sessions, _threads, _support, OnBackgroundFailure);
                _events.Apply(types);
                _activeTypes = (types & ~ProfileTypeSupport.EventTypes) | _events.Active;
                _builder = new ExportRequestBuilder(_session.Frames, _session.ThreadNames, Scope, CreateTagLookup());
                _rateReport ??= new SamplingRateReport(_logger, options.SamplingFrequencyHz, options.SamplingOverheadPercent);
                ReplaceIntervalSignals();
                _intervalThread = _threads.Start("OtelProfiles.Intervals", RunIntervals);
                return true;
            }
            catch (Exception ex)
            {
                ProfilingStartupLog.SessionCannotStart(_logger, ex);
                _events?.Dispose();
                _events = null;
                _session?.Dispose();
                DisposeQueues(TimeSpan.Zero);
                _session = null;
                return false;
            }
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
            if (_session is null)
            {
                return;
            }

            _stopping.Set();
            _intervalThread?.Join(TimeSpan.FromSeconds(30));

            // Stopping the sessions flushes their last events into the recorders the final cut reads.
            _events?.Dispose();
            _session.Dispose();
            CutInterval(final: true);
            DisposeQueues(_options.Current.ShutdownTimeout);
            _session = null;
            _events = null;
            _builder = null;
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
        List<ExportQueue> queues;
        AutoResetEvent cutNow;
        lock (_gate)
        {
            if (_session is null)
            {
                return true;
            }

            queues = _queues;
            cutNow = _cutNow;
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMilliseconds);
        int before = Volatile.Read(ref _cutsCompleted);
        try
        {
            cutNow.Set();
        }
        catch (ObjectDisposedException)
        {
            // Stopped and started again meanwhile: that stop already cut the interval.
        }

        // Every cut pulses _cutGate (a stop's final cut too), so this wakes as soon as the interval is built.
        lock (_cutGate)
        {
            while (Volatile.Read(ref _cutsCompleted) == before)
            {
                TimeSpan waitLeft = deadline - DateTime.UtcNow;
                if (waitLeft <= TimeSpan.Zero || !Monitor.Wait(_cutGate, waitLeft))
                {
                    break;
                }
            }
        }

        bool flushed = true;
        foreach (ExportQueue queue in queues)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            flushed &= left > TimeSpan.Zero && queue.Flush(left);
        }

        return flushed && Volatile.Read(ref _cutsCompleted) != before;
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

    private void RunIntervals()
    {
        var handles = new WaitHandle[] { _stopping.WaitHandle, _cutNow };
        while (true)
        {
            int signalled = WaitHandle.WaitAny(handles, _options.Current.ExportInterval);
            if (signalled == 0)
            {
                return;
            }

            try
            {
                CutInterval(final: false);
            }
            catch (Exception ex)
            {
                OnBackgroundFailure("building profiles", ex);
            }
        }
    }

    private void CutInterval(bool final)
    {
        lock (_cutGate)
        {
            CutIntervalLocked(final);
        }
    }

    private void CutIntervalLocked(bool final)
    {
        ProfilingSession? session = _session;
        ExportRequestBuilder? builder = _builder;
        if (session is null || builder is null)
        {
            return;
        }

        ProfileTypes types = _activeTypes;
        IntervalSamples interval = session.Recorder.TakeInterval(DateTime.UtcNow);
        if (session.IsSampling)
        {
            _rateReport?.Observe(interval);
        }

        EventIntervals? events = _events?.TakeInterval();
        if (interval.Samples.SampleCount > 0 || events?.HasData == true)
        {
            // Method events trail samples by ~100-200 ms (the runtime flushes every 100 ms): give them time to land.
            if (!final)
            {
                Thread.Sleep(EventCatchUpDelay);
            }

            session.RefreshImages();
            if (!final)
            {
                session.RefreshSymbolsIfNeeded(interval);
            }

            if (events is not null)
            {
                session.ThreadNames.Refresh(events.ThreadIds());
            }

            // A CPU or wall profile without samples (sampler just switched on) has no period to report.
            bool sampled = interval.Samples.SampleCount > 0;
            (ExportProfilesServiceRequest request, BuildStatistics statistics) = builder.Build(
                interval,
                ResourceConverter.ToProto(_resource()),
                cpu: sampled && types.HasFlag(ProfileTypes.Cpu),
                wall: sampled && types.HasFlag(ProfileTypes.Wall),
                events is { Any: true } ? events : null);
            LastBuild = statistics;
            foreach (ExportQueue queue in _queues)
            {
                queue.Enqueue(request);
            }

            Interlocked.Increment(ref _intervalsExported);
        }

        // The request holds copies of what it needs: the samples' table goes back to be filled again.
        session.Recorder.Recycle(interval.Samples);

        Interlocked.Increment(ref _cutsCompleted);
        Monitor.PulseAll(_cutGate);
    }

    /// <summary>
    /// New stop and cut signals for a new interval thread; the old ones are disposed once their thread has ended
    /// (a thread still alive after Stop's join keeps its handles rather than crash on disposed ones).
    /// </summary>
    private void ReplaceIntervalSignals()
    {
        if (_intervalThread is null || !_intervalThread.IsAlive)
        {
            _stopping.Dispose();
            _cutNow.Dispose();
        }

        _stopping = new ManualResetEventSlim();
        _cutNow = new AutoResetEvent(false);
    }

    /// <summary>
    /// Stops what the new types no longer need, exports the interval in progress with the old types, then starts
    /// what they add (called with <see cref="_gate"/> held, while running).
    /// </summary>
    private void SwitchTypes(ProfileTypes requested)
    {
        _typeReport.Report(requested, _support);
        ProfileTypes types = requested & _support.Available;
        if (types == _activeTypes || _session is null || _events is null)
        {
            return;
        }

        ProfileTypes kept = types & _activeTypes;
        if (!UsesSampler(types))
        {
            _session.SetSampling(false);
        }

        _events.Apply(kept);
        try
        {
            CutInterval(final: false);
        }
        catch (Exception ex)
        {
            OnBackgroundFailure("building profiles", ex);
        }

        _session.SetSampling(UsesSampler(types));
        _events.Apply(types);
        _activeTypes = (types & ~ProfileTypeSupport.EventTypes) | _events.Active;
        Log.ProfileTypesChanged(_logger, ProfileTypeNames.Format(_activeTypes));
    }

    private static bool UsesSampler(ProfileTypes types) => (types & (ProfileTypes.Cpu | ProfileTypes.Wall)) != 0;

    private List<ExportQueue> CreateQueues(OtlpProfilesOptions options)
    {
        var queues = new List<ExportQueue>();
        var queueOptions = new ExportQueueOptions { Capacity = options.MaxQueueSize, ShutdownTimeout = options.ShutdownTimeout };
        if (options.Exporters.HasFlag(ProfileExporters.Otlp))
        {
            queues.Add(ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = options.Protocol == OtlpProfilesProtocol.Grpc ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf,
                    Endpoint = options.GetExportEndpoint(),
                    Headers = options.Headers,
                    Timeout = options.Timeout,
                    Compression = options.Compression == OtlpProfilesCompression.Gzip,
                    Queue = queueOptions,
                },
                _logger,
                threads: _threads));
        }

        if (options.Exporters.HasFlag(ProfileExporters.File))
        {
            queues.Add(ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = ProfilesExportProtocol.File,
                    FileDirectory = options.ResolveFileDirectory(),
                    Queue = queueOptions,
                },
                _logger,
                threads: _threads));
        }

        return queues;
    }

    private void DisposeQueues(TimeSpan timeout)
    {
        // One budget for all queues together, spent once (not a flush with the timeout and then another on dispose).
        ExportQueue.ShutdownAll(_queues, timeout, OnBackgroundFailure);
        _queues = [];
    }

    private static Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?> CreateTagLookup()
    {
        ProfileTagResolver resolver = ProfileTagResolver.CreateFromRegistry();
        return symbol => resolver.TagsFor(symbol.MethodId, symbol.TypeName, symbol.MethodName);
    }

    private void OnBackgroundFailure(string operation, Exception exception)
    {
        // Each kind of failure is logged once; the EventSource still sees every occurrence.
        OtelProfilesEventSource.Log.ProfilerError(operation, exception);
        lock (_loggedFailures)
        {
            if (!_loggedFailures.Add(operation + ":" + exception.GetType().FullName))
            {
                return;
            }
        }

        Log.ProfilerError(_logger, operation, exception);
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
                    if (_session is not null && options.Enabled)
                    {
                        SwitchTypes(options.ProfileTypes);
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
            OnBackgroundFailure("applying changed options", ex);
        }
    }

    private static InstrumentationScope Scope { get; } = new()
    {
        Name = "OtelProfiles",
        Version = typeof(ContinuousProfiler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(ContinuousProfiler).Assembly.GetName().Version?.ToString() ?? "0.0.0",
    };
}
