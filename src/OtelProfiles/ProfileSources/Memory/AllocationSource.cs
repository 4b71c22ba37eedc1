namespace OtelProfiles.ProfileSources.Memory;

/// <summary>Which runtime event the allocation profiles are estimated from.</summary>
internal enum AllocationSource
{
    /// <summary>.NET 10's AllocationSampled: randomized per-byte sampling, unbiased weights.</summary>
    Sampled,

    /// <summary>
    /// .NET 8 and 9's GCAllocationTick: one event per ~100 KB allocated on a heap, naming the object that crossed
    /// the threshold; the whole amount since the previous tick is attributed to that object's stack and type.
    /// </summary>
    Tick,
}
