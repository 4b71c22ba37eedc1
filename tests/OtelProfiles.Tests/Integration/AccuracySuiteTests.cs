using System.Globalization;
using System.Text.RegularExpressions;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// The accuracy suite: child processes whose truth is known by construction and measured besides (the kernel's
/// CPU time of each thread, Stopwatch lock waits), profiled through real EventPipe sessions and a real receiver,
/// and what the profiles say compared with it. The tolerances and the errors measured are in docs/profile-types.md.
/// The allocation estimate has its own test (EventProfilesTests, ±15%).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed partial class AccuracySuiteTests : IClassFixture<AccuracySuiteTests.CpuShareRun>
{
    private readonly CpuShareRun _cpuShare;
    private readonly ITestOutputHelper _output;

    public AccuracySuiteTests(CpuShareRun cpuShare, ITestOutputHelper output)
    {
        _cpuShare = cpuShare;
        _output = output;
    }

    [Theory]
    [InlineData("duty-10", 0.10)]
    [InlineData("duty-30", 0.30)]
    [InlineData("duty-60", 0.60)]
    public async Task Cpu_profile_share_of_a_duty_cycled_thread_is_within_3_points_of_its_cpu(string thread, double target)
    {
        CpuShareFigures all = await _cpuShare.GetAsync();
        ThreadFigures figures = all.Of(thread);
        _output.WriteLine(figures.ToString());

        Assert.True(figures.AliveNs >= 1_000_000_000 && figures.WallNs > 0.5 * figures.AliveNs, $"too little of the thread's life was profiled: {figures}");

        // The workload steers each thread by its own CPU time to the target; on a machine with cores to spare it gets
        // there, on an overloaded one it gets less. Either way the kernel's count is the truth the profile must match.
        Assert.True(Math.Abs(figures.ProfileShare - figures.TrueShare) <= 0.03, $"CPU profile share off by more than 3 points (target {target:P0}): {figures}");
    }

    [Theory]
    [InlineData("sleeper")]
    [InlineData("semaphore")]
    [InlineData("event")]
    [InlineData("monitor")]
    public async Task Cpu_profile_share_of_a_sleeper_or_waiter_is_within_half_a_point_of_its_cpu(string thread)
    {
        ThreadFigures figures = (await _cpuShare.GetAsync()).Of(thread);
        _output.WriteLine(figures.ToString());

        Assert.True(figures.AliveNs >= 1_000_000_000 && figures.WallNs > 0.5 * figures.AliveNs, $"too little of the thread's life was profiled: {figures}");
        Assert.True(Math.Abs(figures.ProfileShare - figures.TrueShare) <= 0.005, $"CPU profile share off by more than 0.5 points: {figures}");
    }

    [Theory]
    [InlineData("duty-10")]
    [InlineData("duty-30")]
    [InlineData("duty-60")]
    public async Task Cpu_of_a_thread_that_works_between_sleeps_is_on_its_work_not_on_the_sleep(string thread)
    {
        // A duty-cycled thread burns CPU in Accuracy.Duty and sleeps in between. Ticks that catch it waking from
        // Thread.Sleep find it "running managed code" in Sleep; its CPU spread over all such samples put 41% (duty-10)
        // and 13% (duty-30) of it on Sleep (2026-12-05), while a sleep's own CPU (the system call, the wake-up) is far
        // smaller.
        ThreadFigures figures = (await _cpuShare.GetAsync()).Of(thread);
        string tid = figures.Tid.ToString(CultureInfo.InvariantCulture);
        static bool AtSleep(DecodedSample s) => s.Leaf == "System.Threading.Thread.Sleep";
        var intervals = _cpuShare.CpuSamplesByInterval()
            .Select(interval => interval.Where(s => s.GetAttribute("thread.id") == tid).ToList())
            .Where(interval => interval.Count > 0)
            .ToList();

        // The rule moves a thread's CPU off its waits to its other samples of the interval. An interval in which
        // every sample found the thread asleep (the sampler's windows missed its work) has nowhere to move it to, and
        // keeps it there: docs/profile-types.md, "CPU". Each kind is counted apart.
        var seenWorking = intervals.Where(interval => interval.Exists(s => !AtSleep(s))).ToList();
        long total = intervals.Sum(interval => interval.Sum(s => s.Value));
        long workingTotal = seenWorking.Sum(interval => interval.Sum(s => s.Value));
        long atSleep = seenWorking.Sum(interval => interval.Where(AtSleep).Sum(s => s.Value));
        long onlyAsleep = intervals.Except(seenWorking).Sum(interval => interval.Sum(s => s.Value));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{thread}: {total / 1e6:0.0} ms CPU in the profile over {intervals.Count} intervals; in the {seenWorking.Count} where it was seen working, {atSleep / 1e6:0.00} ms of {workingTotal / 1e6:0.0} in Thread.Sleep; {onlyAsleep / 1e6:0.00} ms in intervals that only saw it asleep"));

        Assert.True(workingTotal > 0, $"{thread} was never seen working");
        Assert.True(atSleep <= workingTotal / 100, $"{(double)atSleep / workingTotal:P1} of {thread}'s CPU is in Thread.Sleep in intervals that also saw it working");
        Assert.True(onlyAsleep <= total / 5, $"{(double)onlyAsleep / total:P1} of {thread}'s CPU is in intervals that only saw it asleep");
    }

    [Fact]
    public async Task Cpu_of_the_thread_pools_workers_is_on_their_work_items_not_on_their_wait_for_work()
    {
        // Work items of ~0.3 ms of CPU every 2 ms; between them a worker spins briefly and blocks. Each worker's own
        // CPU clock says how much of its CPU ran in the items (~85%: every item needs a wake-up). Ticks find workers
        // between items (the worker loop, LowLevelLifoSemaphore.Wait, LowLevelSpinWaiter.Wait) far more often than
        // they run there: without ThreadPoolWaitFrames the profile put ~50% of the workers' CPU there and 41-42% in
        // the items (2026-12-05).
        CpuShareFigures run = await _cpuShare.GetAsync();
        var truth = PoolTruth().Matches(run.Workload.Run.Output)
            .Select(m => (Tid: m.Groups["tid"].Value, Items: long.Parse(m.Groups["items"].Value, CultureInfo.InvariantCulture), All: long.Parse(m.Groups["all"].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(truth.Count > 0, $"no POOL TRUTH lines\n{run.Workload.Run.Output}");
        double trueItems = truth.Sum(t => t.Items) / (double)truth.Sum(t => t.All);

        var tids = truth.Select(t => t.Tid).ToHashSet(StringComparer.Ordinal);
        static bool InItem(DecodedSample s) => s.Frames.Any(f => f.Name == "Accuracy.PoolItem");

        // Each worker's samples of each interval. The rule moves a worker's CPU off its waiting for work to its other
        // samples of the interval; a worker that the interval's windows only found waiting keeps its CPU there
        // (docs/profile-types.md, "CPU"), so those worker-intervals are counted apart.
        var workerIntervals = _cpuShare.CpuSamplesByInterval()
            .SelectMany(interval => interval.Where(s => tids.Contains(s.GetAttribute("thread.id") ?? "")).GroupBy(s => s.GetAttribute("thread.id")))
            .Select(worker => worker.ToList())
            .ToList();
        var samples = workerIntervals.Where(worker => worker.Exists(InItem)).SelectMany(worker => worker).ToList();
        long onlyWaiting = workerIntervals.Where(worker => !worker.Exists(InItem)).Sum(worker => worker.Sum(s => s.Value));
        long total = samples.Sum(s => s.Value);
        static bool BetweenItems(DecodedSample s) =>
            s.Frames.Any(f => f.Name == "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart")
            && !s.Frames.Any(f => f.Name == "System.Threading.ThreadPoolWorkQueue.Dispatch");
        double items = total > 0 ? samples.Where(InItem).Sum(s => s.Value) / (double)total : 0;
        double between = total > 0 ? samples.Where(BetweenItems).Sum(s => s.Value) / (double)total : 0;
        string figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{truth.Count} workers, {total / 1e6:0.0} ms of CPU in the profile in the intervals that saw them run items ({onlyWaiting / 1e6:0.0} ms more in those that did not); kernel: {trueItems:P1} in the work items, {1 - trueItems:P1} outside them; profile: {items:P1} in the items, {between:P1} between them");
        _output.WriteLine(figures);
        foreach (var outside in samples.Where(s => !InItem(s))
            .GroupBy(s => string.Join(" < ", s.Frames.Reverse().Take(4).Select(f => f.Name)))
            .Select(g => (Stack: g.Key, Value: g.Sum(s => s.Value)))
            .OrderByDescending(g => g.Value).Take(6))
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  outside the items: {outside.Value / (double)total:P1} at {outside.Stack}"));
        }

        Assert.True(total > 0, $"no CPU samples of the workers: {figures}");

        // Between items the profile shows about what the kernel counted outside them.
        Assert.True(between <= (1 - trueItems) + 0.10, $"more than 10 points more CPU between work items than outside them: {figures}");

        // And the items get about their share: 92-98% against the kernel's 90% in three runs (2026-12-05, fifth round),
        // with 0.0% between items; 7-19% of the workers' CPU was in worker-intervals that only saw them waiting.
        Assert.True(items >= trueItems - 0.10, $"work items' share more than 10 points short: {figures}");
    }

    [Fact]
    public async Task Wall_profile_of_threads_alive_through_an_interval_totals_threads_times_the_interval()
    {
        CpuShareFigures run = await _cpuShare.GetAsync();
        int intervals = 0;
        foreach (DecodedProfile wall in run.Workload.OfType("samples/count", "wall/nanoseconds"))
        {
            // The known threads alive from the interval's start to its end.
            ulong start = (ulong)wall.StartUnixNano;
            ulong end = (ulong)wall.EndUnixNano;
            var alive = run.Threads.Values.Where(t => t.StartUnixNs < start && t.EndUnixNs > end).ToList();
            if (alive.Count == 0)
            {
                continue;
            }

            intervals++;
            var tids = alive.Select(t => t.Tid.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
            long wallNs = wall.Samples.Where(s => tids.Contains(s.GetAttribute("thread.id") ?? "")).Sum(s => s.Value) * wall.Period;
            double expected = alive.Count * (double)wall.DurationNano;
            string figures = $"interval of {wall.DurationNano / 1e6:0} ms, {alive.Count} threads alive throughout: wall {wallNs / 1e6:0} ms, expected {expected / 1e6:0} ms ({Math.Round((wallNs - expected) / expected, 3):+0.0%;-0.0%;0.0%})";
            _output.WriteLine(figures);
            Assert.True(Math.Abs(wallNs - expected) <= 0.03 * expected, figures);
        }

        Assert.True(intervals >= 1, $"only {intervals} intervals had known threads alive throughout\n{run.Workload.Run.Output}");
    }

    [Fact]
    public async Task Lock_wait_time_matches_the_waits_measured_with_a_stopwatch()
    {
        EventWorkload run = await EventWorkload.RunAsync("lockwait", 5, "lock");

        long truthNs = run.Truth("waited_ns");
        long waits = run.Truth("waits");
        var delay = run.OfType("delay/nanoseconds", "mutex/count");
        var count = run.OfType("contentions/count", "mutex/count");
        long profiledNs = EventWorkload.Through(delay, "Accuracy.TakeTurns");
        long contentions = EventWorkload.Through(count, "Accuracy.TakeTurns");
        double error = (profiledNs - truthNs) / (double)truthNs;
        string figures = $"Stopwatch: {waits} waits, {truthNs / 1e6:0.0} ms; lock profile: {contentions} contentions, {profiledNs / 1e6:0.0} ms ({error:+0.0%;-0.0%})";
        _output.WriteLine(figures);

        // The Stopwatch starts before the runtime's ContentionStart (after a failed TryEnter, the Enter spins
        // before it blocks) and stops after ContentionStop, and it also counts an acquisition won by spinning,
        // which the runtime does not report: the profile can only be lower, by the spins (microseconds against
        // ~2 ms waits). The lower bound leaves room for waits of the profiler's first or last moments it did not see.
        Assert.True(truthNs > 200_000_000 && waits >= 50, $"too little waiting to compare: {figures}");
        Assert.True(error is >= -0.10 and <= 0.02, $"lock wait time off by more than -10%/+2%: {figures}");
        Assert.InRange(contentions, waits * 0.8, waits);
    }

    /// <summary>One exported interval, as the profiles and the kernel saw one thread.</summary>
    internal sealed record IntervalFigures(double StartSeconds, long DurationNs, long ProfileCpuNs, long ProfileWallNs, long TrueCpuNs, long AliveNs);

    /// <summary>
    /// What the profiles and the kernel say about one thread of the cpushare run, summed over the intervals that were
    /// exported (an interval in which the budget let the sampler rest throughout has no samples and no export).
    /// </summary>
    internal sealed record ThreadFigures(string Name, long Tid, ulong StartUnixNs, ulong EndUnixNs, IReadOnlyList<IntervalFigures> Intervals)
    {
        public long TrueCpuNs => Intervals.Sum(i => i.TrueCpuNs);

        public long AliveNs => Intervals.Sum(i => i.AliveNs);

        public long ProfileCpuNs => Intervals.Sum(i => i.ProfileCpuNs);

        public long WallNs => Intervals.Sum(i => i.ProfileWallNs);

        /// <summary>The share of a core the thread used while alive in the exported intervals, as the kernel counted it.</summary>
        public double TrueShare => AliveNs > 0 ? (double)TrueCpuNs / AliveNs : 0;

        /// <summary>The share the profiles show: its CPU over its wall time.</summary>
        public double ProfileShare => WallNs > 0 ? (double)ProfileCpuNs / WallNs : 0;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Name} (tid {Tid}): kernel {TrueCpuNs / 1e6:0.0} ms CPU over {AliveNs / 1e6:0} ms alive = {TrueShare:0.00%}; profile {ProfileCpuNs / 1e6:0.0} ms CPU over {WallNs / 1e6:0} ms wall = {ProfileShare:0.00%}; difference {Math.Round((ProfileShare - TrueShare) * 100, 2):+0.00;-0.00;0.00} points; per interval (start s, kernel CPU/alive ms, profile CPU/wall ms): ")
            + string.Join("; ", Intervals.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.StartSeconds:0.0}: {i.TrueCpuNs / 1e6:0.0}/{i.AliveNs / 1e6:0} vs {i.ProfileCpuNs / 1e6:0.0}/{i.ProfileWallNs / 1e6:0}")));
    }

    /// <summary>The cpushare run's figures, per thread name.</summary>
    internal sealed record CpuShareFigures(EventWorkload Workload, IReadOnlyDictionary<string, ThreadFigures> Threads)
    {
        public ThreadFigures Of(string name) =>
            Threads.TryGetValue(name, out ThreadFigures? figures) ? figures : throw new Xunit.Sdk.XunitException($"no THREAD TRUTH line for {name}\n{Workload.Run.Output}");
    }

    /// <summary>One cpushare child run (12 s, CPU and wall, budget 20% as in the issue), shared by the tests that read it.</summary>
    public sealed class CpuShareRun
    {
        private readonly Lazy<Task<CpuShareFigures>> _run = new(RunAsync);

        internal Task<CpuShareFigures> GetAsync() => _run.Value;

        /// <summary>Every CPU sample of the run, one list per exported interval (after <see cref="GetAsync"/>).</summary>
        internal List<List<DecodedSample>> CpuSamplesByInterval() =>
            _run.Value.Result.Workload.Requests.Select(OtlpDecoder.Decode)
                .Select(p => p.Single(x => x.SampleType == "cpu/nanoseconds").Samples.ToList())
                .ToList();

        private static async Task<CpuShareFigures> RunAsync()
        {
            EventWorkload run = await EventWorkload.RunAsync("cpushare", 12, "cpu,wall", ("OTEL_PROFILES_SAMPLING_OVERHEAD", "20"));
            var timelines = CpuTimeline().Matches(run.Run.Output).ToDictionary(
                m => m.Groups["tid"].Value,
                m => m.Groups["points"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split(':'))
                    .Select(p => (UnixNs: long.Parse(p[0], CultureInfo.InvariantCulture), CpuNs: long.Parse(p[1], CultureInfo.InvariantCulture)))
                    .ToList());
            var intervals = run.Requests.Select(OtlpDecoder.Decode)
                .Select(p => (Cpu: p.Single(x => x.SampleType == "cpu/nanoseconds"), Wall: p.Single(x => x.PeriodType == "wall/nanoseconds")))
                .ToList();
            long firstStart = intervals.Count > 0 ? intervals.Min(i => i.Cpu.StartUnixNano) : 0;
            var threads = new Dictionary<string, ThreadFigures>();
            foreach (Match line in ThreadTruth().Matches(run.Run.Output))
            {
                string tid = line.Groups["tid"].Value;
                long start = long.Parse(line.Groups["start"].Value, CultureInfo.InvariantCulture);
                long end = long.Parse(line.Groups["end"].Value, CultureInfo.InvariantCulture);
                var timeline = timelines.GetValueOrDefault(tid) ?? throw new Xunit.Sdk.XunitException($"no CPU TIMELINE for {tid}\n{run.Run.Output}");
                var figures = new List<IntervalFigures>();
                foreach ((DecodedProfile cpu, DecodedProfile wall) in intervals)
                {
                    long from = cpu.StartUnixNano;
                    long to = cpu.EndUnixNano;
                    long alive = Math.Max(0, Math.Min(to, end) - Math.Max(from, start));
                    figures.Add(new IntervalFigures(
                        (cpu.StartUnixNano - firstStart) / 1e9,
                        cpu.DurationNano,
                        cpu.Samples.Where(s => s.GetAttribute("thread.id") == tid).Sum(s => s.Value),
                        wall.Samples.Where(s => s.GetAttribute("thread.id") == tid).Sum(s => s.Value) * wall.Period,
                        CpuAt(timeline, to) - CpuAt(timeline, from),
                        alive));
                }

                threads[line.Groups["name"].Value] = new ThreadFigures(line.Groups["name"].Value, long.Parse(tid, CultureInfo.InvariantCulture), (ulong)start, (ulong)end, figures);
            }

            return new CpuShareFigures(run, threads);
        }

        /// <summary>The thread's CPU time at <paramref name="unixNs"/>, between the two readings around it (20 ms apart).</summary>
        private static long CpuAt(List<(long UnixNs, long CpuNs)> timeline, long unixNs)
        {
            if (timeline.Count == 0 || unixNs <= timeline[0].UnixNs)
            {
                return timeline.Count == 0 ? 0 : timeline[0].CpuNs;
            }

            for (int i = 1; i < timeline.Count; i++)
            {
                if (unixNs <= timeline[i].UnixNs)
                {
                    (long t0, long c0) = timeline[i - 1];
                    (long t1, long c1) = timeline[i];
                    return c0 + (long)((c1 - c0) * ((unixNs - t0) / (double)(t1 - t0)));
                }
            }

            return timeline[^1].CpuNs;
        }
    }

    [GeneratedRegex(@"POOL TRUTH tid=(?<tid>\d+) items_cpu_ns=(?<items>\d+) thread_cpu_ns=(?<all>\d+)")]
    private static partial Regex PoolTruth();

    [GeneratedRegex(@"CPU TIMELINE tid=(?<tid>\d+) points=(?<points>\S*)")]
    private static partial Regex CpuTimeline();

    [GeneratedRegex(@"THREAD TRUTH name=(?<name>\S+) tid=(?<tid>\d+) cpu_ns=(?<cpu>\d+) life_ns=(?<life>\d+) start_unix_ns=(?<start>\d+) end_unix_ns=(?<end>\d+)")]
    private static partial Regex ThreadTruth();
}
