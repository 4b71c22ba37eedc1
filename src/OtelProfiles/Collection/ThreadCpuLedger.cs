using System.Diagnostics;
using System.Runtime.InteropServices;
using OtelProfiles.Aggregation;

namespace OtelProfiles.Collection;

/// <summary>
/// Weights the CPU profile by the CPU time the kernel says each sampled thread used in the interval
/// (<see cref="ThreadCpuTime"/>), instead of counting every sample the runtime marked "managed" as one sampling period.
/// <para>
/// Why: a thread that wakes while a sampler tick holds the runtime suspended is caught on its way back into managed
/// code and reported as running managed code, and ticks last a while, so threads that wake often (sleepers, semaphore
/// and event waiters, the thread pool's <c>LowLevelLifoSemaphore.Wait</c>) looked busy. Counting the thread's real CPU
/// time makes a thread that used 0.3% of a core contribute 0.3% of its wall time to the CPU profile whatever the
/// sampler caught; the samples only say where, within the thread, the time went.
/// </para>
/// <para>
/// Cost: one read per sampled thread and interval (at the cut, on the interval thread), one per thread the first
/// time it is sampled without a reading from the previous cut (on the sample reader thread), and one per thread of
/// the process when profiling starts (on the profiler's start thread). All are profiler threads
/// (<see cref="ProfilerThreads"/>), so the <see cref="ProfilerCpuMeter"/> already charges these reads to the sampler's
/// budget and to the interval's <c>dotnet.profiler.cpu</c>, like the rest of their work; charging them here as well
/// would count them twice. (The very last cut, at shutdown, runs on the disposing thread and is not charged.)
/// </para>
/// Used under the <see cref="ThreadSampleRecorder"/>'s lock only.
/// </summary>
internal sealed class ThreadCpuLedger
{
    /// <summary>
    /// A thread first read during the interval is measured over what is left of it; over less than this the rate is
    /// too noisy (a few scheduler ticks), and its samples are weighted as before instead.
    /// </summary>
    internal static readonly TimeSpan MinimumObservedSpan = TimeSpan.FromMilliseconds(50);

    /// <summary>How many intervals the reading of a thread no longer sampled is kept (for its rate) before it is dropped.</summary>
    internal const int MaxIdleIntervals = 10;

    private readonly Func<long, TimeSpan?> _readCpu;
    private readonly Func<long> _timestamp;
    private readonly Dictionary<long, Reading> _readings = new();
    private readonly Dictionary<long, ThreadCounts> _threads = new();

    // Which interval is being filled: a reading belongs to the interval it is the start of.
    private long _interval;

    /// <param name="readCpu">Reads a thread's CPU time so far (<see cref="ThreadCpuTime.Of"/>; tests inject failures).</param>
    /// <param name="timestamp">The clock (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public ThreadCpuLedger(Func<long, TimeSpan?>? readCpu = null, Func<long>? timestamp = null)
    {
        _readCpu = readCpu ?? ThreadCpuTime.Of;
        _timestamp = timestamp ?? Stopwatch.GetTimestamp;
    }

    /// <summary>Threads whose CPU time was measured at the last cut.</summary>
    public int LastMeasured { get; private set; }

    /// <summary>Threads whose CPU time had to be estimated from samples at the last cut (no usable reading).</summary>
    public int LastEstimated { get; private set; }

    /// <summary>
    /// Reads every thread of the process once, when the first interval starts: threads that exist before profiling
    /// does are then measured exactly from the first interval on, instead of from their first sample. Afterwards only
    /// sampled threads are read. Where the threads cannot be listed, nothing happens (first samples are read instead).
    /// </summary>
    public void ReadAllThreads()
    {
        try
        {
            IEnumerable<long> threadIds = OperatingSystem.IsLinux()
                ? Directory.EnumerateDirectories("/proc/self/task").Select(d => long.TryParse(Path.GetFileName(d), out long id) ? id : 0)
                : OperatingSystem.IsWindows()
                    ? Process.GetCurrentProcess().Threads.Cast<ProcessThread>().Select(t => (long)t.Id).ToList()
                    : [];
            long now = _timestamp();
            foreach (long threadId in threadIds)
            {
                if (threadId > 0 && _readCpu(threadId) is { } cpu)
                {
                    _readings[threadId] = new Reading(cpu.Ticks * 100, _interval, AtCut: true, now, Rate: -1);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            // No list of threads here: each is read at its first sample instead.
        }
    }

    /// <summary>
    /// Called on the first sample of a thread in the interval: a thread without a reading from the last cut (new,
    /// or not sampled in the last interval) is read now, so the cut can measure its CPU rate from here on.
    /// </summary>
    public void OnThreadSeen(long threadId)
    {
        bool had = _readings.TryGetValue(threadId, out Reading reading);
        if (had && reading.Interval == _interval)
        {
            return;
        }

        if (_readCpu(threadId) is { } cpu)
        {
            // A reading older than the last cut cannot measure this interval; its rate is kept for the thread's end.
            _readings[threadId] = new Reading(cpu.Ticks * 100, _interval, AtCut: false, _timestamp(), Rate: had ? reading.Rate : -1);
        }
    }

    /// <summary>
    /// Ends the interval: sets every row's <see cref="SampleCounts.CpuNs"/> of <paramref name="table"/> from the CPU
    /// time its thread used in the interval (<paramref name="measure"/>) or, where that cannot be read, from its
    /// managed samples × the sample period as before.
    /// </summary>
    /// <param name="table">The interval's samples.</param>
    /// <param name="durationNs">The interval's length.</param>
    /// <param name="measure">Whether to read thread CPU times (the CPU profile is on); otherwise only estimate.</param>
    public void Charge(SampleTable table, long durationNs, bool measure)
    {
        long periodNs = table.MaxSamplesPerThread > 0 ? durationNs / table.MaxSamplesPerThread : 0;
        _threads.Clear();
        foreach ((SampleKey key, SampleCounts counts) in table.Rows)
        {
            ref ThreadCounts thread = ref CollectionsMarshal.GetValueRefOrAddDefault(_threads, key.ThreadId, out _);
            thread.Managed += counts.Cpu;
            thread.All += counts.Wall;
        }

        long now = _timestamp();
        long next = _interval + 1;
        int measured = 0;
        foreach (long threadId in _threads.Keys)
        {
            // A reference into the dictionary: its values are updated in place while its keys are enumerated.
            ref ThreadCounts thread = ref CollectionsMarshal.GetValueRefOrNullRef(_threads, threadId);
            long? cpuNs = measure ? Measure(threadId, thread, durationNs, periodNs, now, next) : null;
            if (cpuNs is null)
            {
                // Estimated as before this ledger existed (no thread CPU time on this platform, the thread ended
                // before the cut, or it was seen too briefly): its managed samples × the sample period.
                thread.PerManagedSample = periodNs;
                continue;
            }

            measured++;

            // Spread over the samples that caught the thread running managed code when it has any: those stacks are
            // where its CPU went, as far as the sampler can tell, while its other samples caught it waiting or in
            // native code. A thread with CPU time but no managed sample (it ran only in native code, or the sampler
            // always found it waiting) gets its CPU spread over all its samples instead: the total stays what the
            // kernel counted, on the stacks it was found at, rather than being dropped.
            if (thread.Managed > 0)
            {
                thread.PerManagedSample = (double)cpuNs.Value / thread.Managed;
            }
            else
            {
                thread.PerSample = (double)cpuNs.Value / Math.Max(1, thread.All);
            }
        }

        // A thread not sampled in this interval is read afresh at its next sample; its old reading is kept a while
        // for its rate (an interval without samples, then the thread ends), and dropped after MaxIdleIntervals.
        foreach (long threadId in _readings.Keys)
        {
            if (_readings[threadId].Interval < next - MaxIdleIntervals)
            {
                _readings.Remove(threadId);
            }
        }

        table.ChargeCpu(threadId => _threads.TryGetValue(threadId, out ThreadCounts t) ? (t.PerManagedSample, t.PerSample) : (0, 0));
        LastMeasured = measured;
        LastEstimated = _threads.Count - measured;
        _interval = next;
    }

    private long? Measure(long threadId, in ThreadCounts thread, long durationNs, long periodNs, long now, long next)
    {
        bool had = _readings.TryGetValue(threadId, out Reading start);
        bool known = had && start.Interval == _interval;
        long sampledNs = thread.All * periodNs;
        if (_readCpu(threadId) is not { } cpu)
        {
            // The thread ended (or cannot be read any more) since its last reading: what it used after that is not
            // known. Its last reading stands in: the share of a core it used in its last measured interval, over the
            // time the sampler saw it alive in this one. Without one, its samples are weighted as before, once.
            // (The reading itself is dropped later, as it is not renewed.)
            return had && start.Rate >= 0 ? (long)Math.Min(durationNs, start.Rate * sampledNs) : null;
        }

        long cpuNs = cpu.Ticks * 100;
        long? used = null;
        if (known && start.AtCut)
        {
            // Read at the last cut and now: exactly what the kernel counted in the interval (no thread can have used
            // more CPU than the interval lasted; a reading rounded by the OS could say a little more).
            used = Math.Min(Math.Max(0, cpuNs - start.CpuNs), durationNs);
        }
        else if (known)
        {
            // First read during this interval: its rate since then, over the time the sampler saw it alive in the
            // interval (its samples × the period), which covers the part before the reading as well.
            long observedNs = (long)Stopwatch.GetElapsedTime(start.Timestamp, now).TotalNanoseconds;
            if (observedNs >= MinimumObservedSpan.TotalNanoseconds)
            {
                double rate = Math.Min(1, Math.Max(0, cpuNs - start.CpuNs) / (double)observedNs);
                used = (long)Math.Min(durationNs, rate * sampledNs);
            }
        }

        double lastRate = used is { } u && sampledNs > 0 ? Math.Min(1, u / (double)sampledNs) : had ? start.Rate : -1;
        _readings[threadId] = new Reading(cpuNs, next, AtCut: true, now, lastRate);
        return used;
    }

    /// <param name="CpuNs">The thread's CPU time so far.</param>
    /// <param name="Interval">The interval this reading is the start of.</param>
    /// <param name="AtCut">Taken at the cut that started the interval (else at the thread's first sample in it).</param>
    /// <param name="Timestamp">When it was taken.</param>
    /// <param name="Rate">The share of a core the thread used in the interval this reading ended (-1: not measured).</param>
    private readonly record struct Reading(long CpuNs, long Interval, bool AtCut, long Timestamp, double Rate);

    /// <summary>One thread's samples in the interval and the CPU nanoseconds each of them stands for.</summary>
    private struct ThreadCounts
    {
        public long Managed;
        public long All;
        public double PerManagedSample;
        public double PerSample;
    }
}
