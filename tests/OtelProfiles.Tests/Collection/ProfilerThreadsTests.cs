using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

public sealed class ProfilerThreadsTests
{
    [Fact]
    public void A_borrowed_thread_counts_as_the_profilers_only_while_borrowed_and_is_never_charged()
    {
        var threads = new ProfilerThreads();
        long me = OsThreadId.Current();
        Assert.False(threads.Contains(me));

        using (threads.Borrow("OtelProfiles.Shutdown"))
        {
            Assert.True(threads.Contains(me));
            Assert.DoesNotContain(me, threads.LiveIds);
        }

        // Back to the app at once: not retired like an ended profiler thread.
        Assert.False(threads.Contains(me));
    }

    [Fact]
    public void Borrowing_a_profiler_thread_leaves_it_the_profilers()
    {
        var threads = new ProfilerThreads();
        bool stillOurs = false;
        threads.Start("OtelProfiles.Test", () =>
        {
            long id = OsThreadId.Current();
            using (threads.Borrow("OtelProfiles.Shutdown"))
            {
            }

            stillOurs = threads.Contains(id) && threads.LiveIds.Contains(id);
        }).Join();

        Assert.True(stillOurs);
    }
}
