namespace OtelProfiles;

/// <summary>
/// The kinds of profile collected (<c>OTEL_PROFILES_TYPES</c>, a comma-separated list such as <c>cpu,wall</c>).
/// Combine values with <c>|</c>. More kinds (allocations, lock contention, ...) will be added as they are implemented;
/// only values listed here are produced.
/// </summary>
[Flags]
public enum ProfileTypes
{
    /// <summary>No profile; not a valid setting while profiling is enabled.</summary>
    None = 0,

    /// <summary>CPU time (<c>cpu</c>): samples of threads that were running managed code.</summary>
    Cpu = 1,

    /// <summary>Wall-clock time (<c>wall</c>): samples of all threads, running or waiting.</summary>
    Wall = 2,
}
