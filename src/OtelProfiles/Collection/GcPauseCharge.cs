namespace OtelProfiles.Collection;

/// <summary>
/// Estimates, once a sampler period, how much longer the app's garbage collections paused because the profiler is
/// there, so the budget can charge it like the sampler's own pauses. The extra does not come from sampling: it comes
/// with the profiler's presence (its threads' stacks, which every collection walks; its open EventPipe sessions; the
/// gen1 collections the GC's card rule raises), and stays with the sampler at rest
/// (bench/results/gc-pauses.md). It cannot be measured in the process, which has no run without the profiler to
/// compare with, so it is charged as a share of the pauses the process measures. Measured on a 2-core VM
/// (2026-12-05), the extra was 11–29% of the mean pause with the profiler on: 22–28% on the JSON workload (+126 to
/// +181 µs of 570–651 µs), 11–29% per pair of the ASP.NET Core gate, 13–18% on the tests' GC churn app. So
/// <see cref="ExtraShareOfPause"/>, near the top of that range (a budget had better charge too much than too little), at
/// most <see cref="MaxExtraPerCollection"/> a collection: a big heap's long pauses are long for its own data, not for
/// the profiler's few threads and sessions. An app that hardly allocates is charged next to nothing.
/// Used by the sampler's control thread only.
/// </summary>
internal sealed class GcPauseCharge
{
    /// <summary>The share of each collection's pause charged as the profiler's: near the top of what was measured.</summary>
    public const double ExtraShareOfPause = 0.25;

    /// <summary>The most charged for one collection (the largest extra measured was +300 µs).</summary>
    public static readonly TimeSpan MaxExtraPerCollection = TimeSpan.FromMicroseconds(500);

    private readonly Func<GcPauseReading> _read;
    private GcPauseReading _last;

    /// <param name="read">Reads the process's collection count and total pause (tests pass their own).</param>
    public GcPauseCharge(Func<GcPauseReading>? read = null)
    {
        _read = read ?? GcPauseReading.OfThisProcess;
        _last = _read();
    }

    /// <summary>The estimated extra pause of the collections since the last call.</summary>
    public TimeSpan Take()
    {
        GcPauseReading now = _read();
        long collections = now.Collections - _last.Collections;
        TimeSpan paused = now.Paused - _last.Paused;
        _last = now;
        if (collections <= 0 || paused <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        TimeSpan perCollection = paused / collections * ExtraShareOfPause;
        return (perCollection < MaxExtraPerCollection ? perCollection : MaxExtraPerCollection) * collections;
    }
}

/// <summary>The garbage collections a process has run (of any generation) and the time they kept it paused.</summary>
internal readonly record struct GcPauseReading(long Collections, TimeSpan Paused)
{
    // A collection of any generation counts as a gen0 one too, so gen0's count is the number of collections.
    public static GcPauseReading OfThisProcess() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration());
}
