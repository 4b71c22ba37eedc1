namespace OtelProfiles.Otlp.Model;

/// <summary>One stack frame: a function name and, when known, its file and line.</summary>
/// <param name="Name">The function name (for .NET: <c>Namespace.Type.Method</c>).</param>
/// <param name="FileName">The file (for .NET the module) the function comes from, or null.</param>
/// <param name="Line">The line number, or 0 when unknown.</param>
internal sealed record Frame(string Name, string? FileName = null, long Line = 0);
