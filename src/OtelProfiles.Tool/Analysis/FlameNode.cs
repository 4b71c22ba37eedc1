namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// A node of a flame graph: a function reached through one particular path from the root. <see cref="Total"/> is
/// the value of all samples whose stack passes through this path, <see cref="Self"/> the part that ends here.
/// In a diff tree the same node also carries the baseline's values.
/// </summary>
internal sealed class FlameNode(string name)
{
    private Dictionary<string, FlameNode>? _children;

    /// <summary>The function name ("all" for the root).</summary>
    public string Name { get; } = name;

    /// <summary>The value of the samples through this node.</summary>
    public long Total { get; internal set; }

    /// <summary>The value of the samples whose leaf is this node.</summary>
    public long Self { get; internal set; }

    /// <summary>In a diff tree: the baseline's total through this node.</summary>
    public long BaseTotal { get; internal set; }

    /// <summary>In a diff tree: the baseline's self value of this node.</summary>
    public long BaseSelf { get; internal set; }

    /// <summary>Children keyed by function name, in insertion order of first appearance.</summary>
    public IReadOnlyCollection<FlameNode> Children => (IReadOnlyCollection<FlameNode>?)_children?.Values ?? [];

    /// <summary>Returns the child named <paramref name="childName"/>, creating it when missing.</summary>
    public FlameNode Child(string childName)
    {
        _children ??= new Dictionary<string, FlameNode>(StringComparer.Ordinal);
        if (!_children.TryGetValue(childName, out var child))
        {
            child = new FlameNode(childName);
            _children.Add(childName, child);
        }

        return child;
    }

    /// <summary>The child named <paramref name="childName"/>, or null.</summary>
    public FlameNode? Find(string childName) => _children is not null && _children.TryGetValue(childName, out var child) ? child : null;
}
