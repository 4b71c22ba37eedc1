using System.Runtime.InteropServices;
using OtelProfiles.Tracing;

namespace OtelProfiles.Aggregation;

/// <summary>
/// The samples of one export interval: how often each {stack, thread} was seen running managed code (CPU) and
/// seen at all (wall), and, once the interval has ended, the CPU time each row stands for. Filled by the sampler's
/// reader thread; once handed to the builder it is read-only.
/// </summary>
internal sealed class SampleTable
{
    private readonly Dictionary<SampleKey, SampleCounts> _counts = new();
    private readonly Dictionary<long, long> _samplesPerThread = new();

    /// <summary>Distinct raw stacks of this interval.</summary>
    public StackInterner Stacks { get; } = new();

    /// <summary>The spans and tags current when this interval's samples were taken (<see cref="SampleKey.ContextId"/>).</summary>
    public SampleContextTable Contexts { get; } = new();

    /// <summary>Samples recorded (all kinds).</summary>
    public long SampleCount { get; private set; }

    /// <summary>Distinct {stack, thread} rows.</summary>
    public int RowCount => _counts.Count;

    /// <summary>Records one thread sample, taken with <paramref name="context"/> current on the thread.</summary>
    public void Record(ReadOnlySpan<ulong> stack, long threadId, bool runningManagedCode, SampleContext context = default)
    {
        int stackId = Stacks.Intern(stack);
        int contextId = Contexts.Intern(context);
        ref SampleCounts counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, new SampleKey(stackId, threadId, contextId), out _);
        counts.Wall++;
        if (runningManagedCode)
        {
            counts.Cpu++;
        }

        SampleCount++;
        ref long perThread = ref CollectionsMarshal.GetValueRefOrAddDefault(_samplesPerThread, threadId, out _);
        perThread++;
        if (perThread > MaxSamplesPerThread)
        {
            MaxSamplesPerThread = perThread;
        }
    }

    /// <summary>The sample count of the most-sampled thread: the number of sampler ticks the interval saw.</summary>
    public long MaxSamplesPerThread { get; private set; }

    /// <summary>
    /// Sets every row's <see cref="SampleCounts.CpuNs"/> once the interval has ended: its managed samples × the CPU
    /// nanoseconds one managed sample of its thread stands for, plus all its samples × those one sample of any kind
    /// stands for (<see cref="Collection.ThreadCpuLedger"/> decides which, per thread).
    /// </summary>
    public void ChargeCpu(Func<long, (double PerManagedSample, double PerSample)> weightOf)
    {
        foreach (SampleKey key in _counts.Keys)
        {
            // Updated in place: only values change while the keys are enumerated.
            ref SampleCounts counts = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
            (double perManaged, double perSample) = weightOf(key.ThreadId);
            counts.CpuNs = (long)Math.Round((counts.Cpu * perManaged) + (counts.Wall * perSample));
        }

        CpuCharged = true;
    }

    /// <summary>Whether <see cref="ChargeCpu"/> has set the rows' CPU time.</summary>
    public bool CpuCharged { get; private set; }

    /// <summary>Every row, in no particular order.</summary>
    public IEnumerable<KeyValuePair<SampleKey, SampleCounts>> Rows => _counts;

    /// <summary>Empties the table for reuse, keeping its memory.</summary>
    public void Clear()
    {
        _counts.Clear();
        _samplesPerThread.Clear();
        Stacks.Clear();
        Contexts.Clear();
        SampleCount = 0;
        MaxSamplesPerThread = 0;
        CpuCharged = false;
    }
}

/// <summary>Which stack on which OS thread, with which span and tags current (an id of the table's <see cref="SampleTable.Contexts"/>).</summary>
internal readonly record struct SampleKey(int StackId, long ThreadId, int ContextId = 0);

/// <summary>Sample counts of one row.</summary>
internal struct SampleCounts
{
    /// <summary>Samples taken while the thread ran managed code.</summary>
    public long Cpu;

    /// <summary>All samples, running or waiting.</summary>
    public long Wall;

    /// <summary>
    /// The CPU time, in nanoseconds, this row stands for: its share of its thread's CPU time in the interval as the
    /// kernel counted it (set by <see cref="SampleTable.ChargeCpu"/> when the interval ends).
    /// </summary>
    public long CpuNs;
}
