namespace OtelProfiles.Otlp.Model;

/// <summary>
/// One OTLP <c>Profile</c> decoded into the tool's query model: who sent it, what it measures, when, and its
/// samples with resolved frame names. Every command and the web UI work on this model, never on raw dictionary
/// indices, so the OTLP wire format can evolve without touching the views.
/// </summary>
internal sealed class DecodedProfile
{
    /// <summary>The resource attribute <c>service.name</c>, or <c>unknown_service</c> when the resource has none.</summary>
    public required string ServiceName { get; init; }

    /// <summary>
    /// The profile type: the sample type as <c>"&lt;type&gt;/&lt;unit&gt;"</c>, prefixed with the period type when that
    /// says more, for example <c>cpu:samples/count</c>, <c>wall:samples/count</c> or <c>alloc/bytes</c>
    /// (see <see cref="ProfileTypeNames"/>).
    /// </summary>
    public required string ProfileType { get; init; }

    /// <summary>The sample type alone as <c>"&lt;type&gt;/&lt;unit&gt;"</c> (for example <c>samples/count</c>), without the period prefix.</summary>
    public string SampleType { get; init; } = "";

    /// <summary>The period type as <c>"&lt;type&gt;/&lt;unit&gt;"</c> (for example <c>cpu/nanoseconds</c>), or null when absent.</summary>
    public string? PeriodType { get; init; }

    /// <summary>The number of period-type units between two samples (for example the sampling interval in ns).</summary>
    public long Period { get; init; }

    /// <summary>Start of the profile (<c>time_unix_nano</c>), nanoseconds since the Unix epoch.</summary>
    public long StartUnixNano { get; init; }

    /// <summary>End of the profile (<c>time_unix_nano + duration_nano</c>), nanoseconds since the Unix epoch.</summary>
    public long EndUnixNano { get; init; }

    /// <summary>The profile's length in nanoseconds (<see cref="EndUnixNano"/> minus <see cref="StartUnixNano"/>).</summary>
    public long DurationNano => EndUnixNano - StartUnixNano;

    /// <summary>The instrumentation scope name (the library that built the profile), or an empty string.</summary>
    public string ScopeName { get; init; } = "";

    /// <summary>All resource attributes rendered as strings (service.name, host.name, ...).</summary>
    public IReadOnlyDictionary<string, string> ResourceAttributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The profile's own attributes (for example <c>dotnet.sampling.ticks</c>) as key/value strings.</summary>
    public IReadOnlyList<SampleAttribute> Attributes { get; init; } = [];

    /// <summary>The samples of this profile.</summary>
    public required IReadOnlyList<DecodedSample> Samples { get; init; }

    /// <summary>The unit part of <see cref="ProfileType"/> (<c>count</c> for <c>samples/count</c>).</summary>
    public string Unit => ProfileTypeNames.UnitOf(ProfileType);

    /// <summary>The value of profile attribute <paramref name="key"/>, or null.</summary>
    public string? GetAttribute(string key) => SampleAttribute.Find(Attributes, key);

    /// <summary>The sum of all sample values.</summary>
    public long TotalValue
    {
        get
        {
            long total = 0;
            foreach (var sample in Samples)
            {
                total += sample.Value;
            }

            return total;
        }
    }
}
