using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// Keeps samples whose attributes match every <c>key=value</c> condition (for example <c>thread.name=worker</c> or
/// <c>trace_id=4bf9...</c>). Conditions on the same key are alternatives; different keys must all hold.
/// </summary>
internal sealed class SampleFilter
{
    private readonly Dictionary<string, HashSet<string>> _conditions = new(StringComparer.Ordinal);

    /// <summary>A filter that keeps every sample.</summary>
    public static SampleFilter None { get; } = new([]);

    /// <summary>Builds a filter from <c>key=value</c> strings; throws <see cref="FormatException"/> on a string without '='.</summary>
    public SampleFilter(IEnumerable<string> conditions)
    {
        foreach (var condition in conditions)
        {
            var eq = condition.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"filter '{condition}' must have the form key=value, for example thread.name=worker-1");
            }

            var key = condition[..eq].Trim();
            if (!_conditions.TryGetValue(key, out var values))
            {
                values = new HashSet<string>(StringComparer.Ordinal);
                _conditions[key] = values;
            }

            values.Add(condition[(eq + 1)..].Trim());
        }
    }

    /// <summary>True when the filter has no condition.</summary>
    public bool IsEmpty => _conditions.Count == 0;

    /// <summary>True when <paramref name="sample"/> satisfies every condition.</summary>
    public bool Matches(DecodedSample sample)
    {
        foreach (var (key, values) in _conditions)
        {
            var value = sample.GetAttribute(key);
            if (value is null || !values.Contains(value))
            {
                return false;
            }
        }

        return true;
    }
}
