using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tests.Integration;

/// <summary>Per-function totals over decoded profiles (<see cref="OtelProfiles.Otlp.OtlpDecoder"/>).</summary>
internal static class ProfileTotals
{
    /// <summary>Self value per function (the leaf frame), highest first.</summary>
    public static List<KeyValuePair<string, long>> SelfByFunction(this IEnumerable<DecodedProfile> profiles) =>
        profiles.SelectMany(p => p.Samples).GroupBy(s => s.Leaf)
            .Select(g => new KeyValuePair<string, long>(g.Key, g.Sum(s => s.Value)))
            .OrderByDescending(p => p.Value).ToList();

    /// <summary>Total (inclusive) value per function.</summary>
    public static Dictionary<string, long> TotalByFunction(this IEnumerable<DecodedProfile> profiles)
    {
        var totals = new Dictionary<string, long>();
        foreach (DecodedSample sample in profiles.SelectMany(p => p.Samples))
        {
            foreach (string name in sample.Frames.Select(f => f.Name).Distinct())
            {
                totals[name] = totals.GetValueOrDefault(name) + sample.Value;
            }
        }

        return totals;
    }

    /// <summary>The integer value of profile attribute <paramref name="key"/> (dotnet.sampling.*), which must be present.</summary>
    public static long IntAttribute(this DecodedProfile profile, string key) =>
        long.Parse(profile.GetAttribute(key) ?? throw new Xunit.Sdk.XunitException($"the profile has no attribute {key}"), System.Globalization.CultureInfo.InvariantCulture);
}
