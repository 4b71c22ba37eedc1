namespace OtelProfiles.Tags;

/// <summary>
/// Answers, for a function the profiler is naming, which <see cref="ProfileTagAttribute"/> tags its frames carry.
/// Called off the hot path, once per function; samples then reuse the answer.
/// </summary>
/// <remarks>
/// <para>
/// The runtime names a function in EventPipe method events (MethodLoadVerbose, MethodDCEndVerbose,
/// R2RGetEntryPoint) by its MethodID (the MethodDesc pointer), its type name (the <c>MethodNamespace</c> field) and its
/// name (<c>MethodName</c>). Observed with .NET 10: for non-generic methods — including constructors (<c>.ctor</c>,
/// <c>.cctor</c>), accessors (<c>get_Prop</c>), explicit implementations (<c>Exp.Ns.IFoo.Bar</c>), methods of nested
/// types (<c>Exp.Ns.Outer+Inner</c>), lambdas and class state machines — the MethodID equals
/// <see cref="System.RuntimeMethodHandle.Value"/>. It differs for every instantiation of generic code (type
/// <c>Exp.Ns.Gen`1[System.Int32]</c> or shared <c>Exp.Ns.Gen`1[System.__Canon]</c>; generic methods keep the plain
/// name, e.g. <c>GenericStatic</c>) and for <c>MoveNext</c> of the struct state machines of release builds.
/// </para>
/// <para>
/// So the id is tried first (it tells overloads apart) and the (type definition name, method name) pair second.
/// </para>
/// </remarks>
internal sealed class ProfileTagResolver
{
    private readonly object _gate = new();
    private readonly Func<IReadOnlyList<ProfileTagBatch>> _batches;
    private volatile ProfileTagIndex _index = ProfileTagIndex.Empty;

    private ProfileTagResolver(Func<IReadOnlyList<ProfileTagBatch>> batches)
    {
        _batches = batches;
        Refresh();
    }

    /// <summary>
    /// Number of registrations (one per assembly) the answers cover. Grows when assemblies that use
    /// <see cref="ProfileTagAttribute"/> load later; callers that cache answers should drop them when it changes.
    /// </summary>
    public int Version => _index.BatchCount;

    /// <summary>Registered targets that matched no member at run time, as "assembly: member id" (for diagnostics).</summary>
    public IReadOnlyList<string> Unresolved => _index.Unresolved;

    /// <summary>Creates a resolver over the process-wide <see cref="ProfileTagRegistry"/>.</summary>
    public static ProfileTagResolver CreateFromRegistry() => new(() => ProfileTagRegistry.Batches);

    /// <summary>Creates a resolver over the given batches (tests).</summary>
    internal static ProfileTagResolver Create(Func<IReadOnlyList<ProfileTagBatch>> batches) => new(batches);

    /// <summary>The tags of frames of the given function, or null when it carries none.</summary>
    /// <param name="methodId">The event's MethodID (MethodDesc pointer).</param>
    /// <param name="runtimeTypeName">The event's MethodNamespace, e.g. <c>Ns.Gen`1+&lt;RunAsync&gt;d__3[System.__Canon]</c>.</param>
    /// <param name="methodName">The event's MethodName, e.g. <c>MoveNext</c>.</param>
    public IReadOnlyList<KeyValuePair<string, string>>? TagsFor(ulong methodId, string runtimeTypeName, string methodName)
    {
        var index = Refresh();
        if (index.ById.TryGetValue(methodId, out var byId))
        {
            return byId;
        }

        return index.ByName.TryGetValue((RuntimeTypeNames.StripInstantiation(runtimeTypeName), methodName), out var byName)
            ? byName
            : null;
    }

    // Assemblies register from their module initializers, possibly after the profiler started: rebuild when the
    // registry grew. The check is one volatile read; rebuilding is rare (once per registering assembly).
    private ProfileTagIndex Refresh()
    {
        var index = _index;
        var batches = _batches();
        if (batches.Count == index.BatchCount)
        {
            return index;
        }

        lock (_gate)
        {
            batches = _batches();
            if (_index.BatchCount != batches.Count)
            {
                _index = ProfileTagIndexBuilder.Build(batches);
            }

            return _index;
        }
    }
}
