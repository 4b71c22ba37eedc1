using System.Diagnostics;
using OtelProfiles.Aggregation;
using OtelProfiles.Symbols;

namespace OtelProfiles.Collection;

/// <summary>
/// Everything that runs while profiling is on: the runtime events session feeding the method map, the initial
/// rundown, and the duty-cycled sampler feeding the sample recorder. Created by Start, ended by Dispose; a new
/// instance per start, so toggling leaves nothing behind. The sampler itself can be switched off and on while the
/// session lives (no CPU or wall profile wanted: no sampling cost).
/// </summary>
internal sealed class ProfilingSession : IDisposable
{
    private static readonly TimeSpan MinimumTimeBetweenRundowns = TimeSpan.FromSeconds(60);
    private const int MaxKnownUnexplained = 10_000;

    private readonly EventPipeSessions _sessions;
    private readonly ProfilerThreads _threads;
    private readonly MethodEventsSink _methodEvents;
    private readonly ProfilerJitTime _profilerJit;
    private readonly RuntimeEventsSession _runtimeEvents;
    private readonly ProfilingSessionSettings _settings;
    private readonly Action<string, Exception> _onFailure;
    private readonly object _samplerGate = new();
    private DutyCycledSampler? _sampler;
    private readonly object _imagesGate = new();
    private NativeImageMap _images = NativeImageMap.Capture();
    private long _imagesCapturedAt = Stopwatch.GetTimestamp();
    private long _lastRundownAt;
    private readonly HashSet<ulong> _knownUnexplained = new();

    private ProfilingSession(ProfilingSessionSettings settings, ProfilerThreads threads, Action<string, Exception> onFailure)
    {
        _threads = threads;
        _settings = settings;
        _onFailure = onFailure;
        _sessions = EventPipeSessions.ForCurrentProcess();
        Methods = new MethodAddressMap();
        Modules = new ModuleFileMap();
        ThreadNames = new ThreadNames();
        Frames = new FrameResolver(Methods, () => Images, Modules, (what, ex) => onFailure(what, ex));
        Recorder = new ThreadSampleRecorder(threads, DateTime.UtcNow);
        _profilerJit = new ProfilerJitTime(threads.Contains);
        _methodEvents = new MethodEventsSink(Methods, Modules, address => Images.FindFile(address), _profilerJit);

        // Events first, rundown second: a method compiled in between appears in both, none in neither.
        _runtimeEvents = new RuntimeEventsSession(_sessions, _methodEvents, threads, ex => onFailure("reading runtime events", ex));
        try
        {
            RundownMethods = Rundown.Run(_sessions, _methodEvents, threads, TimeSpan.FromSeconds(30));
            _lastRundownAt = Stopwatch.GetTimestamp();
            SetSampling(settings.Sampling);
        }
        catch
        {
            _runtimeEvents.Dispose();
            throw;
        }
    }

    /// <summary>Opens the sessions; throws <see cref="ProfilerUnavailableException"/> when this process cannot be profiled.</summary>
    public static ProfilingSession Start(ProfilingSessionSettings settings, ProfilerThreads threads, Action<string, Exception> onFailure) =>
        new(settings, threads, onFailure);

    public MethodAddressMap Methods { get; }

    public ModuleFileMap Modules { get; }

    public ThreadNames ThreadNames { get; }

    public FrameResolver Frames { get; }

    public ThreadSampleRecorder Recorder { get; }

    /// <summary>Methods the start-up rundown reported.</summary>
    public int RundownMethods { get; }

    /// <summary>Opens sessions on this process; the event-based profiles open theirs through it.</summary>
    public EventPipeSessions Sessions => _sessions;

    /// <summary>Whether the sampler (CPU and wall profiles) runs.</summary>
    public bool IsSampling
    {
        get
        {
            lock (_samplerGate)
            {
                return _sampler?.Sampling == true;
            }
        }
    }

    /// <summary>The duty cycle in force (default while the sampler is off).</summary>
    public DutyCycle DutyCycle => _sampler is { Sampling: true } sampler ? sampler.Current : default;

    /// <summary>Completed sampler windows.</summary>
    public long SamplerWindows => _sampler?.Windows ?? 0;

    /// <summary>
    /// Starts or stops the duty-cycled sampler's windows; stopping waits for its threads to end. Its control thread
    /// runs either way while the session lives: it keeps the budget's accounts, span tracking's included, when only
    /// event-based profile types are on.
    /// </summary>
    public void SetSampling(bool enabled)
    {
        lock (_samplerGate)
        {
            if (_sampler is not null && _sampler.Sampling == enabled)
            {
                return;
            }

            _sampler?.Dispose();
            _sampler = new DutyCycledSampler(
                _sessions,
                Recorder,
                ThreadNames,
                _threads,
                new SamplerBudget(_settings.TargetFrequencyHz, _settings.SamplerPeriod, _settings.MaxPausedFraction),
                () => _methodEvents.MethodEvents,
                _profilerJit,
                ex => _onFailure("sampling", ex),
                sampling: enabled);
            _sampler.Start();
        }
    }

    private void StopSampler()
    {
        lock (_samplerGate)
        {
            _sampler?.Dispose();
            _sampler = null;
        }
    }

    /// <summary>The file mappings of the process, re-read at most once a second (new assemblies map new images).</summary>
    private NativeImageMap Images
    {
        get
        {
            lock (_imagesGate)
            {
                return _images;
            }
        }
    }

    /// <summary>
    /// Re-reads /proc/self/maps if the last snapshot is older than a second, and keeps the snapshot it has unless the
    /// file mappings changed.
    /// </summary>
    /// <remarks>
    /// Keeping the old map is what matters once the app runs steadily (no new assemblies): a new map every interval
    /// (~110 KB of regions and paths) stays young for the whole interval, and the GC, which leaves a small set of
    /// survivors in gen0, would mark and move it again at every gen0 collection of the app. An unchanged capture
    /// allocates nothing (<see cref="NativeImageMap.Capture"/>).
    /// </remarks>
    public void RefreshImages()
    {
        lock (_imagesGate)
        {
            if (Stopwatch.GetElapsedTime(_imagesCapturedAt) > TimeSpan.FromSeconds(1))
            {
                _images = NativeImageMap.Capture(_images);
                _imagesCapturedAt = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// When an interval holds addresses no method event explained, asks for another rundown (at most once a
    /// minute): code can run without a fresh event, for example precompiled code first used in a way that does
    /// not go through its entry point lookup. Addresses a rundown could not explain either (precompiled stubs,
    /// for example) are remembered, so they do not cause a rundown every minute.
    /// </summary>
    public bool RefreshSymbolsIfNeeded(IntervalSamples interval)
    {
        if (Stopwatch.GetElapsedTime(_lastRundownAt) < MinimumTimeBetweenRundowns)
        {
            return false;
        }

        List<ulong> unexplained = UnexplainedAddresses(interval.Samples);
        if (unexplained.Count == 0)
        {
            return false;
        }

        _lastRundownAt = Stopwatch.GetTimestamp();
        Rundown.Run(_sessions, _methodEvents, _threads, TimeSpan.FromSeconds(30));
        if (_knownUnexplained.Count > MaxKnownUnexplained)
        {
            _knownUnexplained.Clear();
        }

        foreach (ulong address in unexplained)
        {
            if (Methods.Resolve(address) is null)
            {
                _knownUnexplained.Add(address);
            }
        }

        return true;
    }

    private List<ulong> UnexplainedAddresses(SampleTable table)
    {
        var result = new List<ulong>();
        for (int id = 0; id < table.Stacks.Count; id++)
        {
            foreach (ulong address in table.Stacks.Get(id))
            {
                if (_knownUnexplained.Contains(address) || Methods.Resolve(address) is not null)
                {
                    continue;
                }

                // Unmapped (JIT code heap) or inside a managed assembly image: a method event could explain it.
                string? file = Images.FindFile(address);
                if (file is null || file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                {
                    result.Add(address);
                }
            }
        }

        return result;
    }

    public void Dispose()
    {
        // Stopping the sampler waits for its last window and stream on whatever thread disposes the profiler (often
        // the app's own, at host shutdown), and the sampler still samples that thread meanwhile: while it does the
        // profiler's work its samples are the profiler's, not the app's.
        using (_threads.Borrow("OtelProfiles.Shutdown"))
        {
            StopSampler();
            _runtimeEvents.Dispose();
        }
    }
}

/// <summary>How the sampler runs (target rate, duty-cycle period, the share of time it may pause the app), and whether it runs from the start.</summary>
internal sealed record ProfilingSessionSettings(int TargetFrequencyHz, TimeSpan SamplerPeriod, bool Sampling = true, double MaxPausedFraction = 0.01);
