namespace OtelProfiles;

/// <summary>
/// The kinds of profile collected (<c>OTEL_PROFILES_TYPES</c>, a comma-separated list such as <c>cpu,wall,alloc</c>).
/// Combine values with <c>|</c>. Each kind is its own OTLP profile in the same export request; a kind the runtime
/// cannot provide is reported once at startup and skipped. See docs/profile-types.md for what each one measures.
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

    /// <summary>
    /// Allocations (<c>alloc</c>): estimated objects and bytes allocated per stack and type, from the runtime's
    /// randomized allocation sampling (AllocationSampled).
    /// </summary>
    Allocations = 4,

    /// <summary>
    /// In-use memory (<c>inuse</c>): estimated objects and bytes of sampled allocations still alive at the end of
    /// each interval, per allocation stack and type.
    /// </summary>
    InUseMemory = 8,

    /// <summary>Lock contention (<c>lock</c>): contended lock acquisitions and the time spent waiting, per stack.</summary>
    Contention = 16,

    /// <summary>Exceptions (<c>exception</c>): exceptions thrown, per throwing stack and exception type.</summary>
    Exceptions = 32,
}
