using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection.Events;

namespace OtelProfiles.ProfileSources.Memory;

/// <summary>
/// The memory profiles of one finished interval: a table for each profile that was collected (null when it was
/// off), and the type names their labels stand for.
/// </summary>
/// <param name="Allocations">Estimated objects and bytes allocated per stack, thread and type.</param>
/// <param name="InUse">Estimated objects and bytes alive at the end of the interval per allocation stack and type.</param>
/// <param name="AllocatedTypes">Names of the allocation and in-use labels.</param>
/// <param name="BackgroundGC">Whether background (concurrent) GC is on: in-use tracking is exact only without it.</param>
internal sealed record MemoryIntervalProfiles(
    EventSampleTable? Allocations,
    EventSampleTable? InUse,
    LabelTable AllocatedTypes,
    bool BackgroundGC) : IIntervalProfiles
{
    /// <summary>The attribute naming the allocated type on allocation and in-use samples.</summary>
    public const string AllocationTypeAttribute = "dotnet.allocation.type";

    /// <summary>Profile attribute: which runtime event the allocation estimates come from.</summary>
    public const string AllocationSamplerAttribute = "dotnet.allocation.sampler";

    /// <summary>Profile attribute: whether background GC was on while in-use objects were followed (exact only when off).</summary>
    public const string BackgroundGCAttribute = "dotnet.gc.background";

    public bool HasData => Allocations?.RowCount > 0 || InUse?.RowCount > 0;

    // In-use rows carry no thread: the objects outlive the moment they were allocated.
    public IEnumerable<long> ThreadIds => Allocations?.Rows.Select(r => r.Key.ThreadId) ?? [];

    public void AddTo(IntervalRequest request)
    {
        var sampler = (AllocationSamplerAttribute, "AllocationSampled"); // .NET 10's randomized allocation sampling
        long period = (long)AllocationWeights.MeanBytesPerSample;
        if (Allocations is { } allocations)
        {
            request.AddEventProfiles(
                allocations,
                new EventProfileLayout(MemorySource.AllocatedObjects, MemorySource.AllocatedBytes, period, AllocationTypeAttribute, AllocatedTypes, [sampler]));
        }

        if (InUse is { } inUse)
        {
            var tracking = (BackgroundGCAttribute, BackgroundGC ? "on" : "off");
            request.AddEventProfiles(
                inUse,
                new EventProfileLayout(MemorySource.InUseObjects, MemorySource.InUseBytes, period, AllocationTypeAttribute, AllocatedTypes, [sampler, tracking]));
        }
    }
}
