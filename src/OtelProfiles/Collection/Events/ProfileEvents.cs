namespace OtelProfiles.Collection.Events;

/// <summary>
/// Keywords and event ids of the runtime events behind the allocation, in-use, lock and exception profiles
/// (Microsoft-Windows-DotNETRuntime, from the CLR event manifest; payload layouts are documented where they are
/// decoded and were checked against TraceEvent's parser on .NET 10).
/// </summary>
internal static class ProfileEvents
{
    /// <summary>GC: GCStart/GCEnd (Informational).</summary>
    public const long GCKeyword = 0x1;

    /// <summary>Contention: ContentionStart/ContentionStop.</summary>
    public const long ContentionKeyword = 0x4000;

    /// <summary>Exception: ExceptionThrown.</summary>
    public const long ExceptionKeyword = 0x8000;

    /// <summary>GCHeapSurvivalAndMovement: generation ranges and the surviving/moved object ranges of every GC.</summary>
    public const long GCHeapSurvivalAndMovementKeyword = 0x400000;

    /// <summary>AllocationSampling (.NET 10): AllocationSampled; enabling it silences GCAllocationTick.</summary>
    public const long AllocationSamplingKeyword = 0x80000000000;

    public const int GCStart = 1;
    public const int GCEnd = 2;
    public const int GCRestartEEEnd = 3;
    public const int GCBulkSurvivingObjectRanges = 21;
    public const int GCBulkMovedObjectRanges = 22;
    public const int GCGenerationRange = 23;
    public const int ExceptionThrown = 80;
    public const int ContentionStart = 81;
    public const int ContentionStop = 91;
    public const int GCGlobalHeapHistory = 205;
    public const int AllocationSampled = 303;

    /// <summary>GCStart's Type: a background GC (the others are blocking: 0 non-concurrent, 2 foreground).</summary>
    public const int BackgroundGCType = 1;

    /// <summary>AllocationKind of AllocationSampled: 0 small, 1 large, 2 pinned object heap.</summary>
    public const int SmallObjectHeap = 0;
}
