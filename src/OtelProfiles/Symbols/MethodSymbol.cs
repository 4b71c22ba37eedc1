namespace OtelProfiles.Symbols;

/// <summary>
/// A managed method as the runtime describes it in its method events: the runtime's type name
/// (<c>MethodNamespace</c>, e.g. <c>Shop.Checkout+&lt;PayAsync&gt;d__4</c>), method name and signature,
/// plus the file it lives in. Display names are derived from these by <see cref="FrameNameFormatter"/>.
/// </summary>
internal sealed class MethodSymbol
{
    public MethodSymbol(ulong methodId, string typeName, string methodName, string signature, string? moduleFile, ulong moduleId = 0)
    {
        MethodId = methodId;
        ModuleId = moduleId;
        TypeName = typeName;
        MethodName = methodName;
        Signature = signature;
        ModuleFile = moduleFile;
        DisplayName = FrameNameFormatter.Format(typeName, methodName);
    }

    /// <summary>The runtime's MethodDesc pointer; stable for the process lifetime.</summary>
    public ulong MethodId { get; }

    /// <summary>The runtime's module id (0 for precompiled entry points, which carry none).</summary>
    public ulong ModuleId { get; }

    public string TypeName { get; }

    public string MethodName { get; }

    public string Signature { get; }

    /// <summary>
    /// The module's file name (e.g. <c>System.Text.Json.dll</c>), when known. Filled late when the module's event
    /// arrives after the method's (a rundown lists methods before modules).
    /// </summary>
    public string? ModuleFile { get; set; }

    /// <summary>What people read in a flame graph: <c>Namespace.Type.Method</c> as written in source.</summary>
    public string DisplayName { get; }

    /// <summary>The exact runtime name, kept as the function's system name.</summary>
    public string SystemName => TypeName.Length == 0 ? MethodName : TypeName + "." + MethodName;
}
