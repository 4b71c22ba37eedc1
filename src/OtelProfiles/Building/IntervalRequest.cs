using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;

namespace OtelProfiles.Building;

/// <summary>
/// One export request in the making: the dictionary its profiles share and the profiles added so far. Sources add
/// their profiles through the two writers, which resolve frames, apply <c>[ProfileTag]</c> tags and merge samples
/// by {stack, attributes}; they never touch the dictionary themselves.
/// </summary>
internal sealed class IntervalRequest
{
    private readonly ExportRequestBuilder _builder;

    internal IntervalRequest(ExportRequestBuilder builder, IntervalSamples interval, ScopeProfiles scope)
    {
        _builder = builder;
        Interval = interval;
        Scope = scope;
    }

    /// <summary>The interval: its time span is every profile's, its samples the sampler's.</summary>
    public IntervalSamples Interval { get; }

    /// <summary>What building the sampled profiles saw (zero when the interval had no samples).</summary>
    public BuildStatistics Statistics { get; private set; } = new(0, 0, 0, 0);

    internal ProfilesDictionaryBuilder Dictionary { get; } = new();

    internal ScopeProfiles Scope { get; }

    /// <summary>Stacks of event tables built so far (a table's stack ids are its own).</summary>
    internal Dictionary<(EventSampleTable Table, int StackId), (int StackIndex, List<KeyValuePair<string, string>> Tags)> EventStacks { get; } = new();

    /// <summary>
    /// Adds one profile per entry of <paramref name="profiles"/> from the interval's sample table, in that order;
    /// each sample weighs the measured tick spacing.
    /// </summary>
    public void AddSampledProfiles(IReadOnlyList<SampledProfile> profiles) =>
        Statistics = _builder.AddSampledProfiles(this, profiles);

    /// <summary>Adds the profiles of one event table, as <paramref name="layout"/> describes them.</summary>
    public void AddEventProfiles(EventSampleTable table, EventProfileLayout layout) =>
        _builder.AddEventProfiles(this, table, layout);
}
