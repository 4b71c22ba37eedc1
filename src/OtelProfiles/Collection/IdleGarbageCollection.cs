using System.Diagnostics;

namespace OtelProfiles.Collection;

/// <summary>
/// Keeps the garbage the profiler makes from piling up in an app that hardly allocates. Every interval the profiler
/// allocates a little (the export's messages, a session's start and stop): about 0.5–1 MB a minute on the idle sample
/// app. An app that allocates next to nothing itself never reaches its gen0 budget (tens of MB with server GC on a
/// machine with a large cache), so nothing is collected and the resident set grows by what the profiler left, minute
/// after minute (+17 MB at 3 minutes, +20 MB at 9 on the idle sample app, most of the growth in the GC's regions).
/// When no collection has run for <see cref="QuietTime"/> and at least <see cref="GarbageLimitBytes"/> were
/// allocated since the last one, the sampler's control thread runs one gen0 collection, non-compacting: on such an app
/// a pause well under a millisecond, charged to the budget as a pause. An app that collects on its own never sees one.
/// <para>
/// The limit is small because what stays committed follows it: each collection leaves the regions the garbage filled
/// behind, and the next cycle fills new ones. With 4 MB the idle sample app's GC regions grew to 7.0–7.4 MB by 13 to
/// 20 minutes; with 1 MB they stayed at 5.6–5.7 MB, side by side in one run (bench/results/working-set-breakdown.md,
/// thirteenth round). At the profiler's 0.5–1 MB a minute that is one collection every one to two minutes.
/// </para>
/// Used by the sampler's control thread only.
/// </summary>
internal sealed class IdleGarbageCollection
{
    /// <summary>How long no collection must have run.</summary>
    public static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(60);

    /// <summary>How much must have been allocated since the last collection: about a minute or two of the profiler's garbage.</summary>
    public const long GarbageLimitBytes = 1L << 20;

    private readonly TimeSpan _quietTime;
    private readonly long _garbageLimit;
    private int _collections;
    private long _allocatedAtLastCollection;
    private long _lastCollectionSeenAt;

    /// <param name="quietTime">Default <see cref="QuietTime"/> (tests shorten it).</param>
    /// <param name="garbageLimitBytes">Default <see cref="GarbageLimitBytes"/>.</param>
    public IdleGarbageCollection(TimeSpan? quietTime = null, long? garbageLimitBytes = null)
    {
        _quietTime = quietTime ?? QuietTime;
        _garbageLimit = garbageLimitBytes ?? GarbageLimitBytes;
        _collections = GC.CollectionCount(0);
        _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        _lastCollectionSeenAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Collections this has run.</summary>
    public int Collected { get; private set; }

    /// <summary>Runs a gen0 collection if one is due; returns the pause it caused (zero when none ran).</summary>
    public TimeSpan CollectIfDue()
    {
        int collections = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes();
        if (collections != _collections)
        {
            // The app collected (a collection of any generation counts for gen0 too): the garbage is gone.
            Reset(collections, allocated);
            return TimeSpan.Zero;
        }

        if (Stopwatch.GetElapsedTime(_lastCollectionSeenAt) < _quietTime || allocated - _allocatedAtLastCollection < _garbageLimit)
        {
            return TimeSpan.Zero;
        }

        TimeSpan pausedBefore = GC.GetTotalPauseDuration();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        TimeSpan pause = GC.GetTotalPauseDuration() - pausedBefore;
        Collected++;
        Reset(GC.CollectionCount(0), GC.GetTotalAllocatedBytes());
        return pause > TimeSpan.Zero ? pause : TimeSpan.Zero;
    }

    private void Reset(int collections, long allocated)
    {
        _collections = collections;
        _allocatedAtLastCollection = allocated;
        _lastCollectionSeenAt = Stopwatch.GetTimestamp();
    }
}
