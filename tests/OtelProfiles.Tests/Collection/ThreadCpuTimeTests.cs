using System.Globalization;
using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// Another thread's CPU time, read through its CPU-time clock: the same figure the kernel shows in the thread's
/// schedstat, nothing for a thread that has ended or belongs to another process.
/// </summary>
public sealed class ThreadCpuTimeTests
{
    [Fact]
    public void A_parked_thread_reads_what_its_schedstat_says()
    {
        Assert.True(OperatingSystem.IsLinux(), "the tests run on Linux");
        long id = 0;
        using var parked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            id = OsThreadId.Current();

            // Until the kernel has counted 150 ms of its CPU, not for 150 ms of wall time: on two cores shared with
            // the other tests a thread that spun 150 ms got 98.6 ms (a fresh clone's run, 2026-12-06).
            while (Schedstat(id) < TimeSpan.FromMilliseconds(150))
            {
                Thread.SpinWait(10_000);
            }

            parked.Set();
            release.Wait();
        });
        thread.Start();
        parked.Wait();
        Thread.Sleep(50); // let it block: its run time stops growing

        try
        {
            TimeSpan before = Schedstat(id);
            TimeSpan? read = ThreadCpuTime.Of(id);
            TimeSpan after = Schedstat(id);
            Assert.NotNull(read);
            Assert.InRange(read.Value, before, after);
            Assert.True(read.Value >= TimeSpan.FromMilliseconds(100), $"a thread that spun 150 ms of CPU read {read.Value.TotalMilliseconds} ms");
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [Fact]
    public void An_ended_thread_and_another_process_s_thread_read_nothing()
    {
        long id = 0;
        var thread = new Thread(() => id = OsThreadId.Current());
        thread.Start();
        thread.Join();
        SpinWait.SpinUntil(() => !Directory.Exists($"/proc/self/task/{id}"), TimeSpan.FromSeconds(10));

        Assert.Null(ThreadCpuTime.Of(id));
        Assert.Null(ThreadCpuTime.Of(1)); // init, in another thread group
        Assert.NotNull(ThreadCpuTime.Of(OsThreadId.Current()));
    }

    private static TimeSpan Schedstat(long id)
    {
        string text = File.ReadAllText($"/proc/self/task/{id}/schedstat");
        return TimeSpan.FromTicks(long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture) / 100);
    }
}
