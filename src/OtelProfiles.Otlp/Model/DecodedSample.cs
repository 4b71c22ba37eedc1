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

    /// <summary>The name of the leaf frame (the function that was running), or an empty string for an empty stack.</summary>
    public string Leaf => Frames.Count > 0 ? Frames[^1].Name : "";

    /// <summary>The value of attribute <paramref name="key"/>, or null.</summary>
    public string? GetAttribute(string key) => SampleAttribute.Find(Attributes, key);

    /// <summary>Whether the sample has attribute <paramref name="key"/>.</summary>
    public bool HasAttribute(string key) => GetAttribute(key) is not null;
}

/// <summary>One attribute of a sample or a profile, its value rendered as a string.</summary>
/// <param name="Key">The attribute key, for example <c>thread.name</c>.</param>
/// <param name="Value">The attribute value as text.</param>
internal readonly record struct SampleAttribute(string Key, string Value)
{
    /// <summary>The value of the first attribute named <paramref name="key"/> in <paramref name="attributes"/>, or null.</summary>
    public static string? Find(IReadOnlyList<SampleAttribute> attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value;
            }
        }

        return null;
    }
}
