namespace OtelProfiles.Building;

/// <summary>
/// How one profile type is labelled on the wire: sample type and unit, period type and unit. Grafana Pyroscope
/// names CPU profiles from (cpu, nanoseconds) and other profiles after their period type.
/// </summary>
internal sealed record ProfileTypeDescriptor(string SampleType, string SampleUnit, string PeriodType, string PeriodUnit)
{
    /// <summary>CPU: samples taken while a thread ran managed code; count × period ≈ CPU time.</summary>
    public static ProfileTypeDescriptor Cpu { get; } = new("samples", "count", "cpu", "nanoseconds");

    /// <summary>Wall clock: every sample, running or waiting; count × period ≈ thread time.</summary>
    public static ProfileTypeDescriptor Wall { get; } = new("samples", "count", "wall", "nanoseconds");
}
