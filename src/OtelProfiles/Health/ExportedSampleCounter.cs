using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;
using ProfileValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Health;

/// <summary>
/// Counts, per profile type, the samples one export request holds: the stack samples of the wall-clock profile, the sampled allocations (estimated objects) of the allocation profile, the lock contentions and the
/// exceptions. Read from the request itself (its count-valued profiles, told apart by sample and period type as
/// docs/profile-types.md lists them), so what is counted is exactly what was handed to the exporters. In-use memory
/// is a snapshot of the live heap, not samples taken, and is not counted.
/// </summary>
internal static class ExportedSampleCounter
{
    /// <summary>The <c>profile.type</c> attribute values, the names <c>OTEL_PROFILES_TYPES</c> uses.</summary>
    public static readonly string[] TypeNames = ["cpu", "wall", "alloc", "lock", "exception"];

    /// <summary>Adds the request's samples to <paramref name="totals"/>, indexed like <see cref="TypeNames"/>.</summary>
    public static void AddTo(ExportProfilesServiceRequest request, long[] totals)
    {
        var strings = request.Dictionary?.StringTable;
        if (strings is null)
        {
            return;
        }

        foreach (ResourceProfiles resource in request.ResourceProfiles)
        {
            foreach (ScopeProfiles scope in resource.ScopeProfiles)
            {
                foreach (Profile profile in scope.Profiles)
                {
                    int index = TypeIndex(Name(strings, profile.SampleType), Unit(strings, profile.SampleType), Name(strings, profile.PeriodType));
                    if (index >= 0)
                    {
                        totals[index] += Sum(profile);
                    }
                }
            }
        }
    }

    /// <summary>Whether the request holds a CPU profile (sample type <c>cpu</c>/<c>nanoseconds</c>).</summary>
    public static bool HasCpuProfile(ExportProfilesServiceRequest request)
    {
        var strings = request.Dictionary?.StringTable;
        return strings is not null && request.ResourceProfiles
            .SelectMany(r => r.ScopeProfiles)
            .SelectMany(s => s.Profiles)
            .Any(p => Name(strings, p.SampleType) == "cpu" && Unit(strings, p.SampleType) == "nanoseconds");
    }

    private static int TypeIndex(string sampleType, string sampleUnit, string periodType)
    {
        if (sampleUnit != "count")
        {
            return -1;
        }

        // The CPU profile's values are nanoseconds of CPU time, not samples: ProfilerHealth counts its samples from
        // the interval's sample table instead (see HasCpuProfile).
        return (sampleType, periodType) switch
        {
            ("samples", "wall") => 1,
            ("alloc_objects", _) => 2,
            ("contentions", _) => 3,
            ("exceptions", _) => 4,
            _ => -1,
        };
    }

    private static long Sum(Profile profile)
    {
        long sum = 0;
        foreach (Sample sample in profile.Samples)
        {
            foreach (long value in sample.Values)
            {
                sum += value;
            }
        }

        return sum;
    }

    private static string Name(IList<string> strings, ProfileValueType? type) => At(strings, type?.TypeStrindex ?? -1);

    private static string Unit(IList<string> strings, ProfileValueType? type) => At(strings, type?.UnitStrindex ?? -1);

    private static string At(IList<string> strings, int index) => index >= 0 && index < strings.Count ? strings[index] : string.Empty;
}
