using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.Export;

namespace OtelProfiles.Health;

/// <summary>
/// The profiler's own figures for this process, which <see cref="ProfilerMeter"/> publishes: what each finished
/// interval sampled and cost, and what the export queues sent, gave up on and dropped. Process-wide, like the
/// Meter, so the counters only ever grow: a profiler that stops, restarts or is disposed adds to them and takes
/// nothing away. Updated once per interval and read when metrics are collected; nothing is counted per sample.
/// </summary>
internal sealed class ProfilerHealth
{
    private readonly object _gate = new();
    private readonly long[] _samples = new long[ExportedSampleCounter.TypeNames.Count];
    private readonly List<(string Exporter, ExportQueue Queue)> _liveQueues = [];
    private readonly Dictionary<string, ExportTotals> _retiredExports = new(StringComparer.Ordinal);
    private long _pausedNs;
    private long _profilerCpuNs;
    private long _spanTrackingCpuNs;
    private long _gcPauseExtraNs;
    private double? _samplingRateHz;

    /// <summary>The one instance of this process.</summary>
    public static ProfilerHealth Shared { get; } = new();

    /// <summary>Adds a finished interval: its pauses, profiler CPU, span tracking CPU and extra GC pause, its rate reached, the samples of its request (null when none was built).</summary>
    public void RecordInterval(IntervalSamples interval, ExportProfilesServiceRequest? request)
    {
        lock (_gate)
        {
            _pausedNs += interval.SamplerPausedNs;
            _profilerCpuNs += interval.ProfilerCpuNs;
            _spanTrackingCpuNs += interval.SpanTrackingCpuNs;
            _gcPauseExtraNs += interval.Gc.EstimatedNs;
            if (interval.TicksObserved > 0)
            {
                _samplingRateHz = interval.EffectiveFrequencyHz;
            }

            if (request is not null)
            {
                ExportedSampleCounter.AddTo(request, interval.Samples, _samples);
            }
        }
    }

    /// <summary>Counts a run's queue from now on, under <paramref name="exporter"/> (<c>otlp</c> or <c>file</c>).</summary>
    public void AddQueue(string exporter, ExportQueue queue)
    {
        lock (_gate)
        {
            _liveQueues.Add((exporter, queue));
        }
    }

    /// <summary>Keeps the final counts of a queue that has shut down (its counts no longer change) and lets it go.</summary>
    public void RetireQueue(ExportQueue queue)
    {
        lock (_gate)
        {
            int index = _liveQueues.FindIndex(q => ReferenceEquals(q.Queue, queue));
            if (index < 0)
            {
                return;
            }

            string exporter = _liveQueues[index].Exporter;
            _liveQueues.RemoveAt(index);
            _retiredExports[exporter] = _retiredExports.GetValueOrDefault(exporter) + ExportTotals.Of(queue);
        }
    }

    /// <summary>Samples exported so far per type, in the order of <see cref="ExportedSampleCounter.TypeNames"/>.</summary>
    public long[] Samples()
    {
        lock (_gate)
        {
            return (long[])_samples.Clone();
        }
    }

    /// <summary>Time the sampler kept the app's managed threads paused.</summary>
    public TimeSpan Paused
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromTicks(_pausedNs / 100);
            }
        }
    }

    /// <summary>CPU time of the profiler's threads (and on Linux the runtime's EventPipe threads serving it).</summary>
    public TimeSpan ProfilerCpu
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromTicks(_profilerCpuNs / 100);
            }
        }
    }

    /// <summary>CPU time the app's threads spent keeping the profiler's span mirror current (estimated, charged to the budget).</summary>
    public TimeSpan SpanTrackingCpu
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromTicks(_spanTrackingCpuNs / 100);
            }
        }
    }

    /// <summary>How much longer the app's GC pauses were with the profiler there (estimated, charged to the budget).</summary>
    public TimeSpan GcPauseExtra
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromTicks(_gcPauseExtraNs / 100);
            }
        }
    }

    /// <summary>Samples per second and thread reached in the last interval that had samples; null before the first.</summary>
    public double? SamplingRateHz
    {
        get
        {
            lock (_gate)
            {
                return _samplingRateHz;
            }
        }
    }

    /// <summary>Export counts so far per exporter, live queues and retired ones together.</summary>
    public IReadOnlyDictionary<string, ExportTotals> Exports()
    {
        lock (_gate)
        {
            var totals = new Dictionary<string, ExportTotals>(_retiredExports, StringComparer.Ordinal);
            foreach ((string exporter, ExportQueue queue) in _liveQueues)
            {
                totals[exporter] = totals.GetValueOrDefault(exporter) + ExportTotals.Of(queue);
            }

            return totals;
        }
    }
}

/// <summary>What export queues did: requests accepted, given up on and dropped, and the bytes accepted.</summary>
internal readonly record struct ExportTotals(long Sent, long Failed, long Dropped, long Bytes)
{
    public static ExportTotals Of(ExportQueue queue) => new(queue.ExportedCount, queue.FailedCount, queue.DroppedCount, queue.ExportedBytes);

    public static ExportTotals operator +(ExportTotals a, ExportTotals b) =>
        new(a.Sent + b.Sent, a.Failed + b.Failed, a.Dropped + b.Dropped, a.Bytes + b.Bytes);
}
