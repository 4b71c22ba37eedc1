using OtelProfiles.Aggregation;
using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// The CPU profile's weights: each thread's samples carry the CPU time the kernel counted for it in the interval,
/// read from real threads of this process; ended threads are injected as a reader that fails.
/// </summary>
public sealed class ThreadCpuLedgerTests
{
    private const long IntervalNs = 1_000_000_000;

    [Fact]
    public void A_sleeper_whose_samples_all_say_managed_gets_its_real_cpu_and_a_spinner_gets_its_own()
    {
        Assert.True(ProfilerCpuMeter.Supported, "thread CPU times are readable on Linux and Windows, where the tests run");
        using var stop = new ManualResetEventSlim();
        long spinnerId = 0;
        long sleeperId = 0;
        var spinner = new Thread(() =>
        {
            Volatile.Write(ref spinnerId, OsThreadId.Current());
            while (!stop.IsSet)
            {
                Thread.SpinWait(1000);
            }
        });
        var sleeper = new Thread(() =>
        {
            Volatile.Write(ref sleeperId, OsThreadId.Current());
            while (!stop.Wait(5))
            {
            }
        });
        spinner.Start();
        sleeper.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref spinnerId) != 0 && Volatile.Read(ref sleeperId) != 0);
        try
        {
            var ledger = new ThreadCpuLedger();

            // First interval: the threads are read at their first sample; second: from cut to cut.
            var table = Sampled(ledger, spinnerId, sleeperId);
            Thread.Sleep(300);
            TimeSpan spinnerBefore = ThreadCpuTime.Of(spinnerId)!.Value;
            TimeSpan sleeperBefore = ThreadCpuTime.Of(sleeperId)!.Value;
            ledger.Charge(table, IntervalNs, measure: true);

            table = Sampled(ledger, spinnerId, sleeperId);
            Thread.Sleep(300);
            ledger.Charge(table, IntervalNs, measure: true);
            TimeSpan spinnerAfter = ThreadCpuTime.Of(spinnerId)!.Value;
            TimeSpan sleeperAfter = ThreadCpuTime.Of(sleeperId)!.Value;

            long spinnerCpu = CpuOf(table, spinnerId);
            long sleeperCpu = CpuOf(table, sleeperId);
            string figures = $"spinner charged {spinnerCpu / 1e6:0.0} ms (kernel, around both cuts: {(spinnerAfter - spinnerBefore).TotalMilliseconds:0.0} ms), sleeper charged {sleeperCpu / 1e6:0.00} ms (kernel: {(sleeperAfter - sleeperBefore).TotalMilliseconds:0.00} ms)";

            // The cuts' readings lie between the readings around them: the charge is the kernel's count (a spinner
            // on a loaded machine may get little of the 300 ms, but some).
            Assert.True(spinnerCpu <= (spinnerAfter - spinnerBefore).Ticks * 100 && spinnerCpu > 1_000_000, figures);
            Assert.True(sleeperCpu <= (sleeperAfter - sleeperBefore).Ticks * 100, figures);

            // The old weighting would have charged the sleeper its 10 "managed" samples × 100 ms = 1 s.
            Assert.True(sleeperCpu < 20_000_000, figures);
            Assert.Equal(2, ledger.LastMeasured);
        }
        finally
        {
            stop.Set();
            spinner.Join();
            sleeper.Join();
        }
    }

    [Fact]
    public void A_thread_that_ends_keeps_its_last_rate_even_after_an_unsampled_interval_and_one_never_read_is_weighted_by_its_samples()
    {
        // Thread 1 is read at two cuts, then ends (its reading fails); thread 2 cannot be read at all.
        long cpu1 = 0;
        bool ended = false;
        var ledger = new ThreadCpuLedger(id => id == 1 && !ended ? TimeSpan.FromTicks(cpu1 / 100) : null);

        SampleTable table = Samples(ledger, (1, 10, 10), (2, 10, 4));
        ledger.Charge(table, IntervalNs, measure: true);
        Assert.Equal(4 * 100_000_000L, CpuOf(table, 2)); // 4 managed samples × the 100 ms period

        table = Samples(ledger, (1, 10, 10));
        cpu1 = 250_000_000; // 25% of the interval
        ledger.Charge(table, IntervalNs, measure: true);
        Assert.Equal(250_000_000, CpuOf(table, 1));

        // An interval without samples of it (the budget let the sampler rest), then it ends after half the next
        // interval (5 of 10 ticks): its last rate over the time it was seen.
        table = Samples(ledger, (3, 10, 0));
        ledger.Charge(table, IntervalNs, measure: true);
        ended = true;
        table = Samples(ledger, (1, 5, 5), (3, 10, 0));
        ledger.Charge(table, IntervalNs, measure: true);
        Assert.Equal(125_000_000, CpuOf(table, 1));
        Assert.Equal(1, ledger.LastMeasured);
        Assert.Equal(1, ledger.LastEstimated);
    }

    [Fact]
    public void Cpu_time_of_a_thread_without_managed_samples_is_spread_over_all_its_samples()
    {
        long cpu = 0;
        var ledger = new ThreadCpuLedger(_ => TimeSpan.FromTicks(cpu / 100));
        SampleTable table = Samples(ledger, (1, 10, 0));
        ledger.Charge(table, IntervalNs, measure: true);

        table = Samples(ledger, (1, 10, 0));
        cpu = 40_000_000;
        ledger.Charge(table, IntervalNs, measure: true);
        Assert.Equal(40_000_000, CpuOf(table, 1));
    }

    /// <summary>10 ticks of samples of both threads, every one "managed" (what the sampler reports for a thread it woke).</summary>
    private static SampleTable Sampled(ThreadCpuLedger ledger, long first, long second) => Samples(ledger, (first, 10, 10), (second, 10, 10));

    private static SampleTable Samples(ThreadCpuLedger ledger, params (long Thread, int Samples, int Managed)[] threads)
    {
        var table = new SampleTable();
        foreach ((long thread, int samples, int managed) in threads)
        {
            ledger.OnThreadSeen(thread);
            for (int i = 0; i < samples; i++)
            {
                table.Record([0x1000UL + (ulong)i], thread, runningManagedCode: i < managed);
            }
        }

        return table;
    }

    private static long CpuOf(SampleTable table, long thread) => table.Rows.Where(r => r.Key.ThreadId == thread).Sum(r => r.Value.CpuNs);
}
