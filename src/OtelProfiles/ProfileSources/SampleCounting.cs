using OtelProfiles.Aggregation;
using OtelProfiles.Building;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// How <c>otelprofiles.samples</c> finds one profile type's samples in an export request: in the profile labelled
/// as one of <see cref="Profiles"/>, either as its values (when they are counts) or, for a profile whose values are
/// not counts, as the rows of the interval's sample table that the profile was built from.
/// </summary>
/// <param name="Profiles">
/// Each way the profile carrying the type's samples can be labelled (the CPU profile has two, see
/// <see cref="ProfileCpuSampleType"/>); matched on sample and period type and unit.
/// </param>
/// <param name="FromRows">
/// Null when the profile's values are sample counts (they are summed); otherwise what one row of the interval's
/// sample table counts, summed once when the request holds the profile.
/// </param>
internal sealed record SampleCounting(IReadOnlyList<ProfileTypeDescriptor> Profiles, Func<SampleCounts, long>? FromRows)
{
    /// <summary>The samples are the values of <paramref name="profile"/>, a count-valued profile.</summary>
    public static SampleCounting Values(ProfileTypeDescriptor profile) => new([profile], FromRows: null);

    /// <summary>
    /// The samples are <paramref name="count"/> summed over the interval's sample rows, when the request holds the
    /// profile, labelled as any of <paramref name="profiles"/> (whose own values are another quantity, such as
    /// nanoseconds).
    /// </summary>
    public static SampleCounting IntervalRows(Func<SampleCounts, long> count, params ProfileTypeDescriptor[] profiles) => new(profiles, count);

    /// <summary>Whether a profile with these labels carries the type's samples.</summary>
    public bool Matches(string sampleType, string sampleUnit, string periodType, string periodUnit) =>
        Profiles.Any(p => p.SampleType == sampleType && p.SampleUnit == sampleUnit && p.PeriodType == periodType && p.PeriodUnit == periodUnit);
}
