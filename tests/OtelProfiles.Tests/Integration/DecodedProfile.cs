using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tests.Integration;

/// <summary>An export request read back the way a viewer would: profiles by type, samples with named frames.</summary>
internal sealed class DecodedProfile
{
    public required string SampleType { get; init; }

    public required string PeriodType { get; init; }

    public required long Period { get; init; }

    public required ulong DurationNano { get; init; }

    public ulong TimeUnixNano { get; init; }

    public required IReadOnlyList<DecodedSample> Samples { get; init; }

    public static IReadOnlyList<DecodedProfile> Decode(ExportProfilesServiceRequest request)
    {
        ProfilesDictionary d = request.Dictionary;
        string S(int i) => d.StringTable[i];
        var result = new List<DecodedProfile>();
        foreach (Profile profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            var samples = profile.Samples.Select(sample =>
            {
                var frames = d.StackTable[sample.StackIndex].LocationIndices
                    .Select(l => d.FunctionTable[d.LocationTable[l].Lines[0].FunctionIndex])
                    .Select(f => new DecodedFrame(S(f.NameStrindex), S(f.SystemNameStrindex), S(f.FilenameStrindex)))
                    .ToList();
                var attributes = sample.AttributeIndices.Select(a => d.AttributeTable[a])
                    .ToDictionary(a => S(a.KeyStrindex), a => a.Value.ValueCase == OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.IntValue
                        ? a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : a.Value.StringValue);
                return new DecodedSample(frames, attributes, sample.Values[0]);
            }).ToList();
            result.Add(new DecodedProfile
            {
                SampleType = $"{S(profile.SampleType.TypeStrindex)}/{S(profile.SampleType.UnitStrindex)}",
                PeriodType = $"{S(profile.PeriodType.TypeStrindex)}/{S(profile.PeriodType.UnitStrindex)}",
                Period = profile.Period,
                DurationNano = profile.DurationNano,
                TimeUnixNano = profile.TimeUnixNano,
                Samples = samples,
            });
        }

        return result;
    }
}

/// <summary>One sample: frames innermost first, attributes, value.</summary>
internal sealed record DecodedSample(IReadOnlyList<DecodedFrame> Frames, IReadOnlyDictionary<string, string> Attributes, long Value)
{
    public string Leaf => Frames.Count > 0 ? Frames[0].Name : string.Empty;
}

internal sealed record DecodedFrame(string Name, string SystemName, string File);

internal static class DecodedProfileExtensions
{
    /// <summary>Self value per function (the innermost frame), highest first.</summary>
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
}
