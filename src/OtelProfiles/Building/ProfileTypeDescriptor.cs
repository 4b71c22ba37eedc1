namespace OtelProfiles.Building;

/// <summary>
/// How one profile is labelled on the wire: sample type and unit, period type and unit. Grafana Pyroscope names CPU
/// profiles from (cpu, nanoseconds) and other profiles after their period type, so the period type is the family a
/// viewer groups by (memory, mutex, exceptions) and the sample type what is counted. Each profile source declares
/// the descriptors of its profiles; the mapping is documented in docs/profile-types.md.
/// </summary>
internal sealed record ProfileTypeDescriptor(string SampleType, string SampleUnit, string PeriodType, string PeriodUnit);
