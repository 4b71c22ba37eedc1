namespace OtelProfiles.Symbols;

/// <summary>
/// A managed method as the runtime describes it in its method events: the runtime's type name
/// (<c>MethodNamespace</c>, e.g. <c>Shop.Checkout+&lt;PayAsync&gt;d__4</c>) and method name, plus the file it
/// lives in. Display names are derived from these by <see cref="FrameNameFormatter"/> when a sample first needs
/// them: the process knows thousands of methods for each one its profiles show, and the map keeps them all.
/// </summary>
internal sealed class MethodSymbol
{
    private string? _displayName;
    private string? _systemName;

    public MethodSymbol(ulong methodId, string typeName, string methodName, string? moduleFile, ulong moduleId = 0)
    {
        MethodId = methodId;
        ModuleId = moduleId;
        TypeName = typeName;
        MethodName = methodName;
        ModuleFile = moduleFile;
    }

    /// <summary>The runtime's MethodDesc pointer; stable for the process lifetime.</summary>
    public ulong MethodId { get; }

    /// <summary>The runtime's module id (0 for precompiled entry points, which carry none).</summary>
    public ulong ModuleId { get; }

    public string TypeName { get; }

    public string MethodName { get; }

    /// <summary>
    /// The module's file name (e.g. <c>System.Text.Json.dll</c>), when known. Filled late when the module's event
    /// arrives after the method's (a rundown lists methods before modules).
    /// </summary>
    public string? ModuleFile { get; set; }

    /// <summary>What people read in a flame graph: <c>Namespace.Type.Method</c> as written in source.</summary>
    /// <remarks>Made on first use; two threads racing make equal strings, and either may stay.</remarks>
    public string DisplayName => _displayName ??= FrameNameFormatter.Format(TypeName, MethodName);

    /// <summary>The exact runtime name, kept as the function's system name (made on first use).</summary>
    public string SystemName => _systemName ??= TypeName.Length == 0 ? MethodName : TypeName + "." + MethodName;
}
