using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
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
    private readonly IDisposable? _optionsSubscription;
    private readonly HashSet<string> _loggedFailures = new(StringComparer.Ordinal);
    private ProfilingSession? _session;
    private List<ExportQueue> _queues = [];
    private ExportRequestBuilder? _builder;
    private Thread? _intervalThread;
    private AutoResetEvent _cutNow = new(false);
    private ManualResetEventSlim _stopping = new();
    private int _cutsCompleted;
    private bool _disposed;

    internal ContinuousProfiler(IOptionsMonitor<OtlpProfilesOptions> options, Func<OtelResource> resource, ILogger? logger)
    {
        _options = new LastValidOptions(options);
        _resource = resource;
        _logger = logger ?? NullLogger.Instance;
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

    /// <summary>Export requests built so far (each is one interval).</summary>
    public int IntervalsExported => Volatile.Read(ref _cutsCompleted);

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
                _session = ProfilingSession.Start(
                    new ProfilingSessionSettings(options.SamplingFrequencyHz, options.SamplerPeriod),
                    _threads,
                    OnBackgroundFailure);
                _builder = new ExportRequestBuilder(_session.Frames, _session.ThreadNames, Scope, CreateTagLookup());
                _stopping = new ManualResetEventSlim();
                _cutNow = new AutoResetEvent(false);
                _intervalThread = _threads.Start("OtelProfiles.Intervals", RunIntervals);
                return true;
            }
            catch (Exception ex)
            {
                ProfilingStartupLog.SessionCannotStart(_logger, ex);
                DisposeQueues(TimeSpan.Zero);
                _session = null;
                return false;
            }
        }
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
            _session.Dispose();
            CutInterval(final: true);
            DisposeQueues(_options.Current.ShutdownTimeout);
            _session = null;
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
        lock (_gate)
        {
            if (_session is null)
            {
                return true;
            }

            queues = _queues;
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMilliseconds);
        int before = Volatile.Read(ref _cutsCompleted);
        _cutNow.Set();
        while (Volatile.Read(ref _cutsCompleted) == before && DateTime.UtcNow < deadline && IsRunning)
        {
            Thread.Sleep(10);
        }

        bool flushed = true;
        foreach (ExportQueue queue in queues)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            flushed &= left > TimeSpan.Zero && queue.FlushAsync(left).GetAwaiter().GetResult();
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
        ProfilingSession? session = _session;
        ExportRequestBuilder? builder = _builder;
        if (session is null || builder is null)
        {
            return;
        }

        IntervalSamples interval = session.Recorder.TakeInterval(DateTime.UtcNow);
        if (interval.Samples.SampleCount > 0)
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

            OtlpProfilesOptions options = _options.Current;
            (ExportProfilesServiceRequest request, BuildStatistics statistics) = builder.Build(
                interval,
                ResourceConverter.ToProto(_resource()),
                cpu: options.ProfileTypes.HasFlag(ProfileTypes.Cpu),
                wall: options.ProfileTypes.HasFlag(ProfileTypes.Wall));
            LastBuild = statistics;
            foreach (ExportQueue queue in _queues)
            {
                queue.Enqueue(request);
            }
        }

        Interlocked.Increment(ref _cutsCompleted);
    }

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
                _logger));
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
                _logger));
        }

        return queues;
    }

    private void DisposeQueues(TimeSpan timeout)
    {
        foreach (ExportQueue queue in _queues)
        {
            try
            {
                if (timeout > TimeSpan.Zero)
                {
                    queue.FlushAsync(timeout).GetAwaiter().GetResult();
                }

                queue.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                OnBackgroundFailure("flushing the export queue", ex);
            }
        }

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
