using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.ProfileSources;
using ProfileValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Health;

/// <summary>
/// Counts, per profile type, the samples one export request holds, as each family declares them
/// (<see cref="ProfileTypeDeclaration.Samples"/>): the stack samples of the CPU and wall-clock profiles, the sampled
/// allocations (estimated objects), the lock contentions and the exceptions. Read from the request itself (its
/// profiles, told apart by their sample and period types as docs/profile-types.md lists them), so what is counted
/// is exactly what was handed to the exporters. A type that declares no samples (in-use memory, a snapshot of the
/// live heap) is not counted.
/// </summary>
internal static class ExportedSampleCounter
{
    private static readonly ProfileTypeDeclaration[] Counted =
        ProfileSourceRegistry.Declared.Where(d => d.Samples is not null).ToArray();

    /// <summary>The <c>profile.type</c> attribute values, the names <c>OTEL_PROFILES_TYPES</c> uses.</summary>
    public static IReadOnlyList<string> TypeNames { get; } = Counted.Select(d => d.Name).ToArray();

    /// <summary>
    /// Adds the samples of <paramref name="request"/>, built from <paramref name="samples"/>, to
    /// <paramref name="totals"/>, indexed like <see cref="TypeNames"/>.
    /// </summary>
    public static void AddTo(ExportProfilesServiceRequest request, SampleTable samples, long[] totals)
    {
        var strings = request.Dictionary?.StringTable;
        if (strings is null)
        {
            return;
        }

        // A type counted from the sample rows is counted once, however many of its profiles the request holds.
        var rowsCounted = new bool[Counted.Length];
        foreach (ResourceProfiles resource in request.ResourceProfiles)
        {
            foreach (ScopeProfiles scope in resource.ScopeProfiles)
            {
                foreach (Profile profile in scope.Profiles)
                {
                    string sampleType = Name(strings, profile.SampleType);
                    string sampleUnit = Unit(strings, profile.SampleType);
                    string periodType = Name(strings, profile.PeriodType);
                    string periodUnit = Unit(strings, profile.PeriodType);
                    for (int i = 0; i < Counted.Length; i++)
                    {
                        SampleCounting counting = Counted[i].Samples!;
                        if (!counting.Matches(sampleType, sampleUnit, periodType, periodUnit))
                        {
                            continue;
                        }

                        if (counting.FromRows is null)
                        {
                            totals[i] += Sum(profile);
                        }
                        else if (!rowsCounted[i])
                        {
                            rowsCounted[i] = true;
                            totals[i] += Sum(samples, counting.FromRows);
                        }
                    }
                }
            }
        }
    }

    private static long Sum(Profile profile)
    {
        // Indexed: a RepeatedField's enumerator is an object per loop, one per sample here, every interval.
        long sum = 0;
        for (int s = 0; s < profile.Samples.Count; s++)
        {
            var values = profile.Samples[s].Values;
            for (int v = 0; v < values.Count; v++)
            {
                sum += values[v];
            }
        }

        return sum;
    }

    private static long Sum(SampleTable samples, Func<SampleCounts, long> count)
    {
        long sum = 0;
        foreach (KeyValuePair<SampleKey, SampleCounts> row in samples.Rows)
        {
            sum += count(row.Value);
        }

        return sum;
    }

    private static string Name(IList<string> strings, ProfileValueType? type) => At(strings, type?.TypeStrindex ?? -1);

    private static string Unit(IList<string> strings, ProfileValueType? type) => At(strings, type?.UnitStrindex ?? -1);

    private static string At(IList<string> strings, int index) => index >= 0 && index < strings.Count ? strings[index] : string.Empty;
}
