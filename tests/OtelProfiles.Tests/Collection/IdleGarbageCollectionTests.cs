using System.Runtime.CompilerServices;
using OtelProfiles.Collection;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// The collection of the garbage an app that does not collect keeps, with this process's own GC: one gen0 collection
/// once the quiet time has passed and enough was allocated, none before either, none after the app collected itself.
/// <para>
/// Not in parallel with other tests: their allocations would bring collections of their own.
/// </para>
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class IdleGarbageCollectionTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private const long Limit = 1L << 20;

    [Fact]
    public void Collects_once_quiet_and_with_enough_garbage_and_not_before()
    {
        // A natural collection while the garbage is made resets the wait: try again (it is rare at 2 MB).
        for (int attempt = 0; ; attempt++)
        {
            var idle = new IdleGarbageCollection(Quiet, Limit);
            int before = GC.CollectionCount(0);
            MakeGarbage(2 * Limit);

            // Enough garbage, but not quiet long enough yet.
            Assert.Equal(TimeSpan.Zero, idle.CollectIfDue());
            Thread.Sleep(Quiet * 2);
            TimeSpan pause = idle.CollectIfDue();
            if (GC.CollectionCount(0) == before + 1 && idle.Collected == 1)
            {
                Assert.True(pause > TimeSpan.Zero, "the collection's pause was not measured");

                // Right after: neither quiet long enough nor enough garbage.
                Assert.Equal(TimeSpan.Zero, idle.CollectIfDue());
                Assert.Equal(1, idle.Collected);
                return;
            }

            Assert.True(attempt < 5, $"no collection of its own in 5 attempts: {GC.CollectionCount(0) - before} collections, {idle.Collected} by it");
        }
    }

    [Fact]
    public void Does_not_collect_when_too_little_was_allocated_or_the_app_collected_itself()
    {
        var idle = new IdleGarbageCollection(Quiet, Limit);
        Thread.Sleep(Quiet * 2);
        Assert.Equal(TimeSpan.Zero, idle.CollectIfDue());
        Assert.Equal(0, idle.Collected);

        // The app collects on its own after making garbage: what it left is gone, and the wait begins again.
        MakeGarbage(2 * Limit);
        GC.Collect(0);
        Thread.Sleep(Quiet * 2);
        Assert.Equal(TimeSpan.Zero, idle.CollectIfDue());
        Assert.Equal(0, idle.Collected);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeGarbage(long bytes)
    {
        for (long made = 0; made < bytes; made += 1024)
        {
            GC.KeepAlive(new byte[1000]);
        }
    }
}
