namespace OtelProfiles.Building;

/// <summary>
/// How one profile is labelled on the wire: sample type and unit, period type and unit. Grafana Pyroscope names CPU
/// profiles from (cpu, nanoseconds) and other profiles after their period type, so the period type is the family a
/// viewer groups by (memory, mutex, exceptions) and the sample type what is counted. Each profile source declares
/// the descriptors of its profiles; the mapping is documented in docs/profile-types.md.
/// </summary>
/// <param name="SampleType">What a sample's value counts.</param>
/// <param name="SampleUnit">The value's unit.</param>
/// <param name="PeriodType">The period's type: the family a viewer groups the profile under.</param>
/// <param name="PeriodUnit">The period's unit.</param>
/// <param name="FixedPeriod">The period on the wire when it is fixed by the encoding (1: one count per nanosecond);
/// 0 for the interval's own sampling period.</param>
internal sealed record ProfileTypeDescriptor(string SampleType, string SampleUnit, string PeriodType, string PeriodUnit, long FixedPeriod = 0);
