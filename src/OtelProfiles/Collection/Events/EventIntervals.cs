using OtelProfiles.Aggregation;

namespace OtelProfiles.Collection.Events;

/// <summary>
/// The event-based profiles of one finished interval, handed to the builder: a table for each profile that was
/// collected (null when it was off), and the names their labels stand for.
/// </summary>
/// <param name="Allocations">Estimated objects and bytes allocated per stack, thread and type.</param>
/// <param name="InUse">Estimated objects and bytes alive at the end of the interval per allocation stack and type.</param>
/// <param name="Contention">Contentions and nanoseconds waited per stack and thread.</param>
/// <param name="Exceptions">Exceptions thrown per stack, thread and type.</param>
/// <param name="AllocatedTypes">Names of the allocation and in-use labels.</param>
/// <param name="ExceptionTypes">Names of the exception labels.</param>
/// <param name="BackgroundGC">Whether background (concurrent) GC is on: in-use tracking is exact only without it.</param>
internal sealed record EventIntervals(
    EventSampleTable? Allocations,
    EventSampleTable? InUse,
    EventSampleTable? Contention,
    EventSampleTable? Exceptions,
    LabelTable AllocatedTypes,
    LabelTable ExceptionTypes,
    bool BackgroundGC)
{
    /// <summary>Whether any event-based profile was collected.</summary>
    public bool Any => Allocations is not null || InUse is not null || Contention is not null || Exceptions is not null;

    /// <summary>Whether any table holds data (an interval with no data and no samples is not exported).</summary>
    public bool HasData =>
        Allocations?.RowCount > 0 || InUse?.RowCount > 0 || Contention?.RowCount > 0 || Exceptions?.RowCount > 0;

    /// <summary>The threads the tables name (their names are looked up off the reader threads).</summary>
    public IEnumerable<long> ThreadIds() =>
        new[] { Allocations, Contention, Exceptions }
            .Where(t => t is not null)
            .SelectMany(t => t!.Rows.Select(r => r.Key.ThreadId))
            .Where(id => id != 0)
            .Distinct();
}
