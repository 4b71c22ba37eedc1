namespace OtelProfiles.Otlp.Model;

/// <summary>One sample: a call stack with its value and its attributes.</summary>
internal sealed class DecodedSample
{
    /// <summary>The call stack, root first and leaf (the function that was running) last.</summary>
    public required IReadOnlyList<Frame> Frames { get; init; }

    /// <summary>
    /// The sample's weight in the profile's unit: the sum of its <c>values</c>, or the number of its timestamps
    /// when it carries timestamps only (each timestamp is one event).
    /// </summary>
    public long Value { get; init; }

    /// <summary>
    /// Sample attributes as key/value strings (for example <c>thread.name</c>), plus <c>trace_id</c> and
    /// <c>span_id</c> in lowercase hex when the sample has a link.
    /// </summary>
    public IReadOnlyList<SampleAttribute> Attributes { get; init; } = [];

    /// <summary>The sample's event timestamps (nanoseconds since the Unix epoch), possibly empty.</summary>
    public IReadOnlyList<ulong> TimestampsUnixNano { get; init; } = [];

    /// <summary>The value of attribute <paramref name="key"/>, or null.</summary>
    public string? GetAttribute(string key)
    {
        foreach (var attribute in Attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }

        return null;
    }
}

/// <summary>One sample attribute, its value rendered as a string.</summary>
/// <param name="Key">The attribute key, for example <c>thread.name</c>.</param>
/// <param name="Value">The attribute value as text.</param>
internal readonly record struct SampleAttribute(string Key, string Value);
