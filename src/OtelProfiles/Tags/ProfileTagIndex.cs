namespace OtelProfiles.Tags;

/// <summary>
/// Immutable lookup tables built from the registry: tags by runtime method id and by (type, method) name.
/// </summary>
/// <param name="ById">
/// Tags by <see cref="System.RuntimeMethodHandle.Value"/>. A null value marks a method known to be untagged (an overload
/// of a tagged method), so that the name table is not consulted for it.
/// </param>
/// <param name="ByName">
/// Tags by (reflection full name of the type definition, method name), for frames whose runtime id differs from the
/// reflection handle: instantiations of generic methods and of methods of generic types (one id per instantiation,
/// plus <c>System.__Canon</c> shared code) and <c>MoveNext</c> of struct state machines (release builds), where
/// the runtime reports the unboxed method rather than the one reflection returns.
/// </param>
/// <param name="BatchCount">How many registry batches the tables cover.</param>
/// <param name="Unresolved">Registered targets no runtime member matched (for diagnostics).</param>
internal sealed record ProfileTagIndex(
    IReadOnlyDictionary<ulong, IReadOnlyList<KeyValuePair<string, string>>?> ById,
    IReadOnlyDictionary<(string TypeName, string MethodName), IReadOnlyList<KeyValuePair<string, string>>> ByName,
    int BatchCount,
    IReadOnlyList<string> Unresolved)
{
    /// <summary>An index of nothing.</summary>
    public static ProfileTagIndex Empty { get; } = new(
        new Dictionary<ulong, IReadOnlyList<KeyValuePair<string, string>>?>(),
        new Dictionary<(string, string), IReadOnlyList<KeyValuePair<string, string>>>(),
        0,
        []);
}
