using OtelProfiles.Aggregation;

namespace OtelProfiles.Building;

/// <summary>How the rows of one event table become profiles (an event table holds two values per row).</summary>
/// <param name="First">The profile of the first value.</param>
/// <param name="Second">The profile of the second value, or null when the second value is not exported.</param>
/// <param name="Period">The profile's period (in its period unit).</param>
/// <param name="LabelAttribute">The sample attribute the row's label is written to (for example the allocated type), or null.</param>
/// <param name="Labels">The names the table's labels stand for (with <paramref name="LabelAttribute"/>).</param>
/// <param name="Attributes">Profile attributes saying how the values were estimated.</param>
internal sealed record EventProfileLayout(
    ProfileTypeDescriptor First,
    ProfileTypeDescriptor? Second,
    long Period,
    string? LabelAttribute = null,
    LabelTable? Labels = null,
    IReadOnlyList<(string Key, string Value)>? Attributes = null);
