using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Tracing;

namespace OtelProfiles.Collection;

/// <summary>
/// Runs the SampleProfiler for a window of every period: a control thread asks the <see cref="SamplerBudget"/> how
/// long this period's window may be, opens a sampler session, lets it run for the window, stops it and charges
/// the pauses the window measured to the budget (stopping blocks for up to ~110 ms, which is why it is not the reader's job),
/// and every period the CPU the profiler's own threads and the runtime's EventPipe threads used (read just before and
/// just after each stop too: a window's sampling and streaming threads end with its session), the JIT's time on the
/// profiler's code elsewhere (<see cref="ProfilerJitTime"/>), the collections of the profiler's garbage in an app that
/// does not collect (<see cref="IdleGarbageCollection"/>), and the estimated extra
/// length of the app's GC pauses (<see cref="GcPauseCharge"/>);
/// a reader thread decodes each session's stream into the <see cref="ThreadSampleRecorder"/>. One reader object
/// and its buffers serve every window, so a window costs no per-window parser.
/// <para>
/// The control thread keeps the budget's accounts whether or not samples are wanted: with only event-based profile
/// types on (<c>sampling</c> false) it opens no window, but span tracking still costs the app's threads at every
/// change of the current span, and past the budget (<see cref="SpanTrackingLimit"/>) span links go off just as they
/// do while sampling; the profiler's CPU and the GC pauses' extra are still measured and reported with each interval.
/// </para>
/// </summary>
internal sealed class DutyCycledSampler : IDisposable
{
    private readonly EventPipeSessions _sessions;
    private readonly ThreadSampleRecorder _recorder;
    private readonly ThreadNames _threadNames;
    private readonly ProfilerThreads _threads;
    private readonly SamplerBudget _budget;
    private readonly Action<Exception> _onFailure;
    private readonly BlockingCollection<(Stream Stream, ManualResetEventSlim Done)> _streams = new(1);
    private readonly ManualResetEventSlim _stopRequested = new();
    private readonly NetTraceReader _reader = new();
    private readonly NativeHeapTrim _heapTrim;
    private readonly SpanTrackingLimit _trackingLimit;
    private readonly IdleGarbageCollection _idleGarbage = new();
    private readonly ProfilerJitTime _profilerJit;
    private ProfilerCpuMeter? _profilerCpu;
    private TimeSpan _cpuReadAroundStops; // profiler and runtime threads' CPU read at the last stop, charged next period
    private Thread? _control;
    private Thread? _readerThread;

    public DutyCycledSampler(
        EventPipeSessions sessions,
        ThreadSampleRecorder recorder,
        ThreadNames threadNames,
        ProfilerThreads threads,
        SamplerBudget budget,
        Func<int> methodsCompiled,
        ProfilerJitTime profilerJit,
        Action<Exception> onFailure,
        bool sampling = true)
    {
        _sessions = sessions;
        _recorder = recorder;
        _threadNames = threadNames;
        _threads = threads;
        _budget = budget;
        _trackingLimit = new SpanTrackingLimit(budget.Period);
        _heapTrim = new NativeHeapTrim(methodsCompiled);
        _onFailure = onFailure;
        Sampling = sampling;
        _profilerJit = profilerJit;
    }

    /// <summary>Whether windows open (CPU or wall profiles wanted); false: the budget's accounts only.</summary>
    public bool Sampling { get; }

    /// <summary>Windows completed so far.</summary>
    public long Windows { get; private set; }

    /// <summary>The duty cycle in force (known after the first window reported the sampling interval).</summary>
    public DutyCycle Current { get; private set; }

    public void Start()
    {
        if (Sampling)
        {
            _readerThread = _threads.Start("OtelProfiles.SampleReader", ReadStreams);
        }

        _control = _threads.Start("OtelProfiles.Sampler", RunWindows);
    }

    private void RunWindows()
    {
        try
        {
            long started = Stopwatch.GetTimestamp();
            _profilerCpu = new ProfilerCpuMeter(_threads, new RuntimeEventPipeThreads());
            var gcPauses = new GcPauseCharge();
            TimeSpan processCpu = Environment.CpuUsage.TotalTime;
            long lastCycle = Stopwatch.GetTimestamp();
            while (!_stopRequested.IsSet)
            {
                long cycleStart = Stopwatch.GetTimestamp();
                // The profiler's threads, the runtime's EventPipe threads serving it, and the JIT compiling the profiler's
                // code elsewhere (the tiering thread optimizes it again for minutes after the start).
                TimeSpan ownCpu = _profilerCpu.Take() + _cpuReadAroundStops + _profilerJit.Take();
                _cpuReadAroundStops = TimeSpan.Zero;
                _recorder.AddProfilerCpu(ownCpu);

                // The span mirror's callbacks run on the app's threads: their cost is the profiler's too.
                TimeSpan tracking = SampleContextTracker.TakeTrackingCpu();
                _recorder.AddSpanTrackingCpu(tracking);
                _budget.ChargeProfilerCpu(ownCpu + tracking);

                // What the app's own threads used since the last period: the budget is a share of that.
                TimeSpan processCpuNow = Environment.CpuUsage.TotalTime;
                TimeSpan elapsed = Stopwatch.GetElapsedTime(lastCycle, cycleStart);
                _budget.ObserveAppCpu(processCpuNow - processCpu - ownCpu - tracking, elapsed);
                processCpu = processCpuNow;
                lastCycle = cycleStart;

                // The app's collections pause longer with the profiler there, sampling or not: charged as pauses.
                TimeSpan gcExtra = gcPauses.Take();
                _recorder.AddGcPauseExtra(gcExtra, _budget.ChargeGcPauses(gcExtra, elapsed));

                // An app that hardly allocates keeps the garbage the profiler leaves: a gen0 collection now and then.
                _budget.ChargePause(_idleGarbage.CollectIfDue());

                // Tracking that takes the whole budget would leave the sampler resting for good: links go instead.
                if (_trackingLimit.Observe(tracking, elapsed, _budget.AllowedShareOfCores))
                {
                    SampleContextTracker.StopSpanLinks(_trackingLimit.TrackingShareOfCores);
                }

                DutyCycle cycle = Sampling
                    ? _budget.Plan(Stopwatch.GetElapsedTime(started), _recorder.SamplingIntervalNs)
                    : DutyCycle.Rest(_budget.Period);
                Current = cycle;
                if (!cycle.Resting)
                {
                    TimeSpan sampled = RunOneWindow(cycle);
                    _budget.Spend(_recorder.Pauses.TakeWindow(), sampled);
                    Windows++;
                    _threadNames.Refresh(_recorder.TakeNewThreads());
                }

                // What a window's session, the events sessions and the JIT malloc'ed is free now; without a trim glibc
                // keeps it.
                _heapTrim.TrimIfDue();

                if (cycle.Continuous)
                {
                    continue;
                }

                TimeSpan rest = cycle.Period - Stopwatch.GetElapsedTime(cycleStart);
                if (rest > TimeSpan.Zero)
                {
                    _stopRequested.Wait(rest);
                }
            }
        }
        catch (Exception ex)
        {
            _onFailure(ex);
        }
        finally
        {
            _streams.CompleteAdding();
        }
    }

    /// <summary>Runs one window; returns how long the sampler ran (from the session's start to the stop request).</summary>
    private TimeSpan RunOneWindow(DutyCycle cycle)
    {
        // Before the session: every sample of the window must find what its thread had current (span links).
        SampleContextTracker.OpenSamplerWindow();
        using EventPipeSession session = _sessions.StartSampler();
        long opened = Stopwatch.GetTimestamp();
        using var done = new ManualResetEventSlim();
        _streams.Add((session.EventStream, done));

        // In continuous mode a window still ends now and then, so new threads get named, the budget is checked
        // and stop is honoured.
        TimeSpan window = cycle.Continuous ? cycle.Period : cycle.Window;
        _stopRequested.Wait(window);
        TimeSpan sampled = Stopwatch.GetElapsedTime(opened);

        // The window's sampling and streaming threads end with the session, and an ended thread's CPU cannot be read:
        // read them while they live, and once more as soon as the stop returns (the final flush).
        _cpuReadAroundStops += _profilerCpu!.Take();
        session.Stop();
        _cpuReadAroundStops += _profilerCpu.Take();
        bool drained = done.Wait(TimeSpan.FromSeconds(10));
        SampleContextTracker.CloseSamplerWindow();
        if (!drained)
        {
            throw new TimeoutException("the sampler stream did not end within 10 s of stopping its session");
        }

        return sampled;
    }

    private void ReadStreams()
    {
        foreach ((Stream stream, ManualResetEventSlim done) in _streams.GetConsumingEnumerable())
        {
            try
            {
                _reader.ReadToEnd(stream, _recorder);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
            {
                // A stream cut short when its session stops is the normal end of a window.
            }
            catch (Exception ex)
            {
                _onFailure(ex);
            }
            finally
            {
                done.Set();
            }
        }
    }

    public void Dispose()
    {
        _stopRequested.Set();
        _control?.Join(TimeSpan.FromSeconds(10));
        _readerThread?.Join(TimeSpan.FromSeconds(10));
        _stopRequested.Dispose();
    }
}
