using BenchmarkDotNet.Attributes;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// The per-sample path on the reader thread: every ThreadSample event goes through
/// <see cref="ThreadSampleRecorder.OnEvent"/> into <see cref="SampleTable.Record"/>. Results are per sample
/// (OperationsPerInvoke); the steady state, where stacks and rows were seen before, should allocate nothing.
/// </summary>
public class SampleIngestionBenchmarks
{
    private const int SamplesPerInvoke = 4096;
    private const int Threads = 24;

    private static readonly byte[] Managed = BitConverter.GetBytes(RuntimeEvents.SampleKindManaged);
    private static readonly byte[] External = BitConverter.GetBytes(RuntimeEvents.SampleKindExternal);
    private readonly EventMetadata _threadSample = new(1, RuntimeEvents.SampleProfilerProvider, RuntimeEvents.ThreadSample, "ThreadSample", 0);
    private SyntheticStacks _stacks = null!;
    private SampleTable _table = null!;
    private SampleTable _fresh = null!;
    private ThreadSampleRecorder _recorder = null!;
    private long _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        _stacks = new SyntheticStacks(methods: 400, stacks: 512);
        _table = new SampleTable();
        _fresh = new SampleTable();
        _recorder = new ThreadSampleRecorder(new ProfilerThreads(), DateTime.UtcNow);
        _recorder.OnHeader(new NetTraceHeader(0, 1_000_000_000, DateTime.UtcNow, 8, Environment.ProcessId, 2, 1_000_000));

        // Every row once, so the measured invocations see the steady state of a long interval.
        RecordAll(_table);
        RecordAll(_fresh);
        Recorder_OnEvent();
    }

    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public void Record_SeenRows() => RecordAll(_table);

    /// <summary>The first interval after a cut: every row is new, but the table keeps its memory.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public void Record_NewInterval()
    {
        _fresh.Clear();
        RecordAll(_fresh);
    }

    [Benchmark(OperationsPerInvoke = SamplesPerInvoke)]
    public void Recorder_OnEvent()
    {
        for (int i = 0; i < SamplesPerInvoke; i++)
        {
            var traceEvent = new NetTraceEvent(_threadSample, 1000 + (i % Threads), _timestamp++, (i & 3) == 0 ? External : Managed, _stacks[Pick(i)]);
            _recorder.OnEvent(in traceEvent);
        }
    }

    private void RecordAll(SampleTable table)
    {
        for (int i = 0; i < SamplesPerInvoke; i++)
        {
            table.Record(_stacks[Pick(i)], 1000 + (i % Threads), runningManagedCode: (i & 3) != 0);
        }
    }

    // Spreads samples over the stacks without a pattern the branch predictor could learn in one pass.
    private int Pick(int i) => (int)((uint)(i * 2654435761u) % (uint)_stacks.Count);
}
