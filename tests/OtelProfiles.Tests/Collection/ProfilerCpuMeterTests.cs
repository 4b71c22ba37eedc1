using System.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// The profiler's own CPU, read from the operating system for real threads: what a profiler thread burns is
/// counted, what the app's threads burn at the same time is not, and each reading counts only what is new.
/// <para>
/// Not in parallel with other tests: the runtime has one sampling thread for all the sampler sessions of a process, so
/// while another test's session is open, a new session brings only its streaming thread (seen in a CI run of
/// 2026-12-05; reproduced with a second session opened first: 1 new thread instead of 2).
/// </para>
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ProfilerCpuMeterTests
{
    private static readonly TimeSpan Burn = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Counts_the_cpu_of_profiler_threads_and_not_of_the_app_s()
    {
        Assert.True(ProfilerCpuMeter.Supported, "thread CPU times are readable on Linux and Windows, where the tests run");
        var threads = new ProfilerThreads();
        var meter = new ProfilerCpuMeter(threads, runtimeThreads: null);
        using var release = new ManualResetEventSlim();

        // An app thread burns CPU at the same time: a meter that counted the process would see it.
        var app = new Thread(() => BurnCpu(Burn * 2));
        app.Start();
        Thread profiler = threads.Start("OtelProfiles.Test", () =>
        {
            BurnCpu(Burn);
            release.Wait();
        });
        app.Join();
        SpinWait.SpinUntil(() => OwnCpuOf(threads) >= Burn, TimeSpan.FromSeconds(30));

        TimeSpan first = meter.Take();
        TimeSpan second = meter.Take();
        release.Set();
        profiler.Join();

        // The profiler thread's burn and its start-up, not the app thread's 400 ms on top.
        Assert.InRange(first.TotalMilliseconds, Burn.TotalMilliseconds, Burn.TotalMilliseconds + 150);

        // Nothing ran between the two readings but a wait.
        Assert.InRange(second.TotalMilliseconds, 0, 20);
    }

    [Fact]
    public void A_profiler_thread_that_starts_and_ends_between_two_readings_is_charged()
    {
        var threads = new ProfilerThreads();
        var meter = new ProfilerCpuMeter(threads, runtimeThreads: null);

        // Like a rundown's reader: it lives for less than a period, so no reading ever sees it alive.
        threads.Start("OtelProfiles.Test", () => BurnCpu(Burn)).Join();
        TimeSpan charged = meter.Take();

        Assert.InRange(charged.TotalMilliseconds, Burn.TotalMilliseconds, Burn.TotalMilliseconds + 150);
        Assert.InRange(meter.Take().TotalMilliseconds, 0, 20);
    }

    [Fact]
    public void A_thread_s_cpu_time_grows_with_its_work_and_stays_within_the_process_s()
    {
        TimeSpan processBefore = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan? before = null;
        TimeSpan? after = null;
        var thread = new Thread(() =>
        {
            long id = OsThreadId.Current();
            before = ThreadCpuTime.Of(id);
            BurnCpu(Burn);
            after = ThreadCpuTime.Of(id);
        });
        thread.Start();
        thread.Join();
        TimeSpan process = Process.GetCurrentProcess().TotalProcessorTime - processBefore;

        Assert.NotNull(before);
        Assert.NotNull(after);
        TimeSpan used = after.Value - before.Value;
        Assert.True(used >= Burn, $"the thread burned {Burn.TotalMilliseconds} ms of CPU, its reading grew {used.TotalMilliseconds} ms");
        // The process clock ticks in 10 ms steps on Linux.
        Assert.True(used <= process + TimeSpan.FromMilliseconds(20), $"thread {used.TotalMilliseconds} ms, whole process {process.TotalMilliseconds} ms");
        Assert.Null(ThreadCpuTime.Of(-1));
    }

    [Fact]
    public void Reading_a_thread_s_cpu_time_allocates_nothing_and_an_ended_thread_has_no_reading()
    {
        long id = OsThreadId.Current();
        Assert.NotNull(ThreadCpuTime.Of(id)); // first call: JIT and statics out of the way

        // The budget reads every profiler thread several times a period, and the CPU profile every sampled thread: a
        // reading used to cost ~6 KB (a stream, a reader, their buffers and a string), then a path string and a file
        // handle; the thread's clock costs nothing.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Assert.NotNull(ThreadCpuTime.Of(id));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"10 readings allocated {allocated} bytes");

        long ended = 0;
        var thread = new Thread(() => ended = OsThreadId.Current());
        thread.Start();
        thread.Join();
        SpinWait.SpinUntil(() => !Directory.Exists($"/proc/self/task/{ended}"), TimeSpan.FromSeconds(5));
        Assert.Null(ThreadCpuTime.Of(ended));
    }

    [Fact]
    public void Charges_the_runtime_s_eventpipe_threads_while_a_sampler_session_runs()
    {
        Assert.True(RuntimeEventPipeThreads.Supported, "the runtime's thread names are read from /proc on Linux, where the tests run");
        var runtimeThreads = new RuntimeEventPipeThreads();
        var before = runtimeThreads.Find().ToHashSet();
        var meter = new ProfilerCpuMeter(new ProfilerThreads(), runtimeThreads);

        // A real sampler session on this process: the runtime starts a streaming and a sampling thread for it, and
        // the sampler suspends the process every millisecond while it is open.
        EventPipeSession session = EventPipeSessions.ForCurrentProcess().StartSampler();
        var drain = new Thread(() => Drain(session.EventStream));
        drain.Start();
        Thread.Sleep(400);
        var windowThreads = runtimeThreads.Find().Where(id => !before.Contains(id)).ToList();
        TimeSpan windowThreadsCpu = windowThreads.Aggregate(TimeSpan.Zero, (sum, id) => sum + (ThreadCpuTime.Of(id) ?? TimeSpan.Zero));
        TimeSpan charged = meter.Take();
        session.Stop();
        drain.Join(TimeSpan.FromSeconds(10));
        session.Dispose();

        Assert.True(windowThreads.Count >= 2, $"a sampler session runs on new runtime threads; found {windowThreads.Count} new ones");
        Assert.All(windowThreads, id => Assert.Equal(".NET EventPipe", CommOf(id) ?? ".NET EventPipe"));
        Assert.True(windowThreadsCpu > TimeSpan.Zero, "400 ms of sampling every millisecond costs the sampling thread CPU");
        Assert.True(charged >= windowThreadsCpu, $"charged {charged.TotalMilliseconds} ms, the session's threads had used {windowThreadsCpu.TotalMilliseconds} ms");

        // The window's threads end with its session: that is why the sampler reads them before it stops it.
        Assert.True(
            SpinWait.SpinUntil(() => !runtimeThreads.Find().Intersect(windowThreads).Any(), TimeSpan.FromSeconds(10)),
            "the session's threads still run 10 s after it stopped");
    }

    private static void Drain(Stream stream)
    {
        try
        {
            stream.CopyTo(Stream.Null);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The stream is cut when the session stops.
        }
    }

    /// <summary>The OS name of a thread of this process, or null once it has ended.</summary>
    private static string? CommOf(long id)
    {
        try
        {
            return File.ReadAllText($"/proc/self/task/{id}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Spins until this thread itself has used <paramref name="cpu"/> of CPU (wall time would vary with load).</summary>
    private static void BurnCpu(TimeSpan cpu)
    {
        long id = OsThreadId.Current();
        TimeSpan start = ThreadCpuTime.Of(id) ?? TimeSpan.Zero;
        double x = 1;
        while ((ThreadCpuTime.Of(id) ?? TimeSpan.MaxValue) - start < cpu)
        {
            for (int i = 0; i < 10_000; i++)
            {
                x = Math.Sqrt(x + i);
            }
        }

        GC.KeepAlive(x);
    }

    private static TimeSpan OwnCpuOf(ProfilerThreads threads) =>
        threads.LiveIds.Aggregate(TimeSpan.Zero, (sum, id) => sum + (ThreadCpuTime.Of(id) ?? TimeSpan.Zero));
}
