namespace OtelProfiles.Otlp.Model;

/// <summary>One stack frame: a function name and, when known, its file, line and system name.</summary>
/// <param name="Name">The function name (for .NET: <c>Namespace.Type.Method</c>).</param>
/// <param name="FileName">The file (for .NET the module) the function comes from, or null.</param>
/// <param name="Line">The line number, or 0 when unknown.</param>
/// <param name="SystemName">
/// The function's system name (for .NET the runtime's <c>Type.Method</c>, compiler-generated names included), or null
/// when the sender gave none.
/// </param>
internal sealed record Frame(string Name, string? FileName = null, long Line = 0, string? SystemName = null);
