using OtelProfiles.Aggregation;

namespace OtelProfiles.Building;

/// <summary>One profile built from a sample table: how it is labelled, and which count of a row it takes.</summary>
/// <param name="Type">Its sample and period types.</param>
/// <param name="Value">The row's value in this profile; a row whose value is 0 is left out.</param>
/// <param name="MovesCpuOffWaits">Whether a thread's value at blocking waits goes to its other samples (the CPU
/// profile: a wait is not where CPU goes).</param>
internal sealed record SampledProfile(ProfileTypeDescriptor Type, Func<SampleCounts, long> Value, bool MovesCpuOffWaits = false);
