using OtelProfiles.Aggregation;
using OtelProfiles.Building;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// How <c>otelprofiles.samples</c> finds one profile type's samples in an export request: in the profile labelled
/// <see cref="Profile"/>, either as its values (when they are counts) or, for a profile whose values are not counts,
/// as the rows of the interval's sample table that the profile was built from.
/// </summary>
/// <param name="Profile">The labels of the profile that carries the type's samples.</param>
/// <param name="FromRows">
/// Null when the profile's values are sample counts (they are summed); otherwise what one row of the interval's
/// sample table counts, summed once when the request holds the profile.
/// </param>
internal sealed record SampleCounting(ProfileTypeDescriptor Profile, Func<SampleCounts, long>? FromRows)
{
    /// <summary>The samples are the values of <paramref name="profile"/>, a count-valued profile.</summary>
    public static SampleCounting Values(ProfileTypeDescriptor profile) => new(profile, FromRows: null);

    /// <summary>
    /// The samples are <paramref name="count"/> summed over the interval's sample rows, when the request holds
    /// <paramref name="profile"/> (whose own values are another quantity, such as nanoseconds).
    /// </summary>
    public static SampleCounting IntervalRows(ProfileTypeDescriptor profile, Func<SampleCounts, long> count) => new(profile, count);
}
