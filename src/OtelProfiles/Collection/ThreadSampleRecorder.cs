using OtelProfiles.Aggregation;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Tracing;

namespace OtelProfiles.Collection;

/// <summary>
/// Turns SampleProfiler events into rows of the current interval's <see cref="SampleTable"/> and keeps the
/// runtime's sampling interval in force (the builder derives each sample's weight from it and the ticks seen). When an
/// interval ends, the <see cref="ThreadCpuLedger"/> gives each row the CPU time its thread really used.
/// Runs on the sampler's reader thread; the only allocation is for a table row or stack never seen before.
/// </summary>
internal sealed class ThreadSampleRecorder : INetTraceEventSink
{
    private readonly ProfilerThreads _ownThreads;
    private readonly object _gate = new();
    private SampleTable _current = new();

    // The table of the interval before last, emptied, for the next interval: the tables' arrays grow to what an
    // interval needs once and then live on (and reach the GC's oldest generation), instead of a new table growing
    // its arrays again every interval as young data the app's every collection has to copy.
    private SampleTable? _spare;
    private DateTime _intervalStartUtc;
    private long _samplingIntervalNs;
    private readonly HashSet<long> _threadsSeen = new();
    private readonly List<long> _newThreads = new();
    private long _intervalProfilerCpuNs;
    private long _intervalSpanTrackingCpuNs;
    private long _intervalGcPauseExtraNs;
    private long _intervalGcPauseAllowedNs;
    private readonly ThreadCpuLedger _cpuLedger;
    private volatile bool _measureThreadCpu = true;

    /// <summary>The sampler's pauses of the app: the cost each window is charged against the overhead budget.</summary>
    public SamplerPauseMeter Pauses { get; } = new();

    /// <summary>Adds CPU time the profiler's own threads used (the sampler's control thread, once a period) to the interval's account.</summary>
    public void AddProfilerCpu(TimeSpan cpu) => Interlocked.Add(ref _intervalProfilerCpuNs, cpu.Ticks * 100);

    /// <summary>Adds CPU time the app's threads spent keeping the span mirror current (an estimate, once a period) to the interval's account.</summary>
    public void AddSpanTrackingCpu(TimeSpan cpu) => Interlocked.Add(ref _intervalSpanTrackingCpuNs, cpu.Ticks * 100);

    /// <summary>
    /// Adds the app's extra GC pause estimated for one period, and what the budget allowed for it then (none when the
    /// budget limits nothing), to the interval's account.
    /// </summary>
    public void AddGcPauseExtra(TimeSpan estimated, TimeSpan? allowed)
    {
        Interlocked.Add(ref _intervalGcPauseExtraNs, estimated.Ticks * 100);
        if (allowed is { } limit)
        {
            Interlocked.Add(ref _intervalGcPauseAllowedNs, limit.Ticks * 100);
        }
    }

    public ThreadSampleRecorder(ProfilerThreads ownThreads, DateTime startUtc, ThreadCpuLedger? cpuLedger = null)
    {
        _ownThreads = ownThreads;
        _intervalStartUtc = startUtc;
        _cpuLedger = cpuLedger ?? new ThreadCpuLedger();
        _cpuLedger.ReadAllThreads();
    }

    /// <summary>
    /// Whether the sampled threads' CPU times are read to weight the CPU profile (on while the CPU profile is; with
    /// only the wall profile on, nothing is read).
    /// </summary>
    public bool MeasureThreadCpu
    {
        get => _measureThreadCpu;
        set => _measureThreadCpu = value;
    }

    /// <summary>Samples dropped because they were taken on the profiler's own threads.</summary>
    public long OwnThreadSamplesDropped { get; private set; }

    /// <summary>The sampling interval the runtime reported in the last stream header (ns), 0 before the first.</summary>
    public long SamplingIntervalNs => Interlocked.Read(ref _samplingIntervalNs);

    public void OnHeader(NetTraceHeader header)
    {
        // The trace header carries the sampling interval in force (DOTNET_EventPipeThreadSamplingRate or 1 ms).
        Interlocked.Exchange(ref _samplingIntervalNs, header.ExpectedCpuSamplingRateNs);
        Pauses.OnHeader(header.QpcFrequency);
    }

    public void OnEvent(in NetTraceEvent traceEvent)
    {
        if (traceEvent.Metadata.ProviderName == RuntimeEvents.RuntimeProvider)
        {
            OnRuntimeEvent(traceEvent);
            return;
        }

        if (traceEvent.Metadata.EventId != RuntimeEvents.ThreadSample
            || traceEvent.Metadata.ProviderName != RuntimeEvents.SampleProfilerProvider
            || traceEvent.Payload.Length < 4)
        {
            return;
        }

        if (_ownThreads.Contains(traceEvent.ThreadId))
        {
            OwnThreadSamplesDropped++;
            return;
        }

        int kind = BitConverter.ToInt32(traceEvent.Payload);
        SampleContext context = SampleContextTracker.At(traceEvent.ThreadId, traceEvent.Timestamp);
        lock (_gate)
        {
            _current.Record(traceEvent.Stack, traceEvent.ThreadId, kind == RuntimeEvents.SampleKindManaged, context);
            if (_threadsSeen.Add(traceEvent.ThreadId))
            {
                _newThreads.Add(traceEvent.ThreadId);
                if (_measureThreadCpu)
                {
                    _cpuLedger.OnThreadSeen(traceEvent.ThreadId);
                }
            }
        }
    }

    private void OnRuntimeEvent(in NetTraceEvent traceEvent)
    {
        switch (traceEvent.Metadata.EventId)
        {
            case RuntimeEvents.GCSuspendEEBegin when traceEvent.Payload.Length >= 4:
                Pauses.OnSuspendBegin(traceEvent.Timestamp, BitConverter.ToInt32(traceEvent.Payload));
                break;
            case RuntimeEvents.GCRestartEEEnd:
                Pauses.OnRestartEnd(traceEvent.Timestamp);
                break;
        }
    }

    /// <summary>Threads first seen since the last call (their names are looked up off the reader thread).</summary>
    public long[] TakeNewThreads()
    {
        lock (_gate)
        {
            long[] result = _newThreads.ToArray();
            _newThreads.Clear();
            return result;
        }
    }

    /// <summary>
    /// Takes back the table of an interval from <see cref="TakeInterval"/> once nothing reads it any more (its profiles
    /// are built), to be emptied and filled again by a later interval.
    /// </summary>
    public void Recycle(SampleTable table)
    {
        lock (_gate)
        {
            // A table handed back twice may be the one being filled again by now: it is left alone.
            if (ReferenceEquals(table, _current) || ReferenceEquals(table, _spare))
            {
                return;
            }

            table.Clear();
            _spare = table;
        }
    }

    private GcPauseExtra TakeGcPauseExtra() =>
        new(Interlocked.Exchange(ref _intervalGcPauseExtraNs, 0), Interlocked.Exchange(ref _intervalGcPauseAllowedNs, 0));

    /// <summary>Ends the current interval and starts the next one at <paramref name="nowUtc"/>.</summary>
    public IntervalSamples TakeInterval(DateTime nowUtc)
    {
        lock (_gate)
        {
            // Each row's CPU time, from what its thread really used in the interval (read now, once per sampled thread).
            _cpuLedger.Charge(_current, Math.Max(0, (nowUtc - _intervalStartUtc).Ticks * 100), _measureThreadCpu);
            var finished = new IntervalSamples(_current, _intervalStartUtc, nowUtc, SamplingIntervalNs, Pauses.TakeIntervalPausedNs(), Interlocked.Exchange(ref _intervalProfilerCpuNs, 0), Interlocked.Exchange(ref _intervalSpanTrackingCpuNs, 0), TakeGcPauseExtra());
            _current = _spare ?? new SampleTable();
            _spare = null;
            _intervalStartUtc = nowUtc;
            _threadsSeen.Clear();
            return finished;
        }
    }
}
