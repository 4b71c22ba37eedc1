namespace OtelProfiles;

/// <summary>
/// How the CPU profile labels its values (<see cref="OtlpProfilesOptions.CpuSampleType"/>). Both carry the same
/// nanoseconds of CPU time; they differ in what a backend makes of them.
/// </summary>
public enum ProfileCpuSampleType
{
    /// <summary>
    /// Sample type <c>cpu</c>/<c>nanoseconds</c> (the default): the values are nanoseconds of CPU time, as the OTLP
    /// profiles specification's own example for a CPU profile labels them. Grafana Pyroscope stores the profile as
    /// <c>cpu:cpu:nanoseconds:cpu:nanoseconds</c>.
    /// </summary>
    Cpu = 0,

    /// <summary>
    /// Sample type <c>samples</c>/<c>count</c> with period type <c>cpu</c>/<c>nanoseconds</c> and period 1: each
    /// count is one nanosecond of CPU time, so value × period is the CPU time, the rule the OpenTelemetry eBPF
    /// profiler's CPU profiles follow. Grafana Pyroscope stores the profile as its standard CPU series
    /// <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>, the one its dashboards and its own agents use.
    /// </summary>
    Samples = 1,
}
