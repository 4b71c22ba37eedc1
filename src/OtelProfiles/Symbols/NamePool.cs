namespace OtelProfiles.Symbols;

/// <summary>
/// One string per distinct name in method events: every event repeats its type's name, and method names such as
/// <c>MoveNext</c>, <c>.ctor</c> or <c>Invoke</c> recur across types, while a rundown lists thousands of methods;
/// the symbols share the names instead of holding a copy each (the method map lives as long as the process).
/// Not thread-safe: used under the method map's lock.
/// </summary>
internal sealed class NamePool
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public NamePool() => _bySpan = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>How many distinct names are held.</summary>
    public int Count => _names.Count;

    /// <summary>The pooled string equal to <paramref name="name"/>, added on first sight.</summary>
    public string Get(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return string.Empty;
        }

        // The event payload's characters are looked up as they are: a name seen before allocates nothing.
        if (_bySpan.TryGetValue(name, out string? pooled))
        {
            return pooled;
        }

        string added = name.ToString();
        _names[added] = added;
        return added;
    }
}
