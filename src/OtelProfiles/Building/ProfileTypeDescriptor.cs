namespace OtelProfiles.Building;

/// <summary>
/// How one profile type is labelled on the wire: sample type and unit, period type and unit. Grafana Pyroscope
/// names CPU profiles from (cpu, nanoseconds) and other profiles after their period type, so the period type is
/// the family a viewer groups by (memory, mutex, exceptions) and the sample type what is counted. The mapping is
/// documented in docs/profile-types.md.
/// </summary>
internal sealed record ProfileTypeDescriptor(string SampleType, string SampleUnit, string PeriodType, string PeriodUnit)
{
    /// <summary>CPU: samples taken while a thread ran managed code; count × period ≈ CPU time.</summary>
    public static ProfileTypeDescriptor Cpu { get; } = new("samples", "count", "cpu", "nanoseconds");

    /// <summary>Wall clock: every sample, running or waiting; count × period ≈ thread time.</summary>
    public static ProfileTypeDescriptor Wall { get; } = new("samples", "count", "wall", "nanoseconds");

    /// <summary>Estimated objects allocated; the period is the mean bytes between two allocation samples.</summary>
    public static ProfileTypeDescriptor AllocatedObjects { get; } = new("alloc_objects", "count", "memory", "bytes");

    /// <summary>Estimated bytes allocated.</summary>
    public static ProfileTypeDescriptor AllocatedBytes { get; } = new("alloc_space", "bytes", "memory", "bytes");

    /// <summary>Estimated objects alive at the end of the interval.</summary>
    public static ProfileTypeDescriptor InUseObjects { get; } = new("inuse_objects", "count", "memory", "bytes");

    /// <summary>Estimated bytes alive at the end of the interval.</summary>
    public static ProfileTypeDescriptor InUseBytes { get; } = new("inuse_space", "bytes", "memory", "bytes");

    /// <summary>Contended lock acquisitions; every contention is counted (period 1).</summary>
    public static ProfileTypeDescriptor Contentions { get; } = new("contentions", "count", "mutex", "count");

    /// <summary>Time spent waiting for contended locks.</summary>
    public static ProfileTypeDescriptor ContentionDelay { get; } = new("delay", "nanoseconds", "mutex", "count");

    /// <summary>Exceptions thrown; every exception is counted (period 1).</summary>
    public static ProfileTypeDescriptor Exceptions { get; } = new("exceptions", "count", "exceptions", "count");
}
