namespace OtelProfiles.Tags;

/// <summary>
/// Turns the type names the runtime prints in EventPipe method events into the names reflection gives the
/// generic type definition, so the two can be compared.
/// </summary>
/// <remarks>
/// Observed with .NET 10 (MethodLoadVerbose, MethodNamespace field):
/// <list type="bullet">
/// <item>nested types use '+': <c>Exp.Ns.Outer+Inner+Deeper</c>, the same as <see cref="Type.FullName"/>;</item>
/// <item>instantiations are appended once, after the innermost name: <c>Exp.Ns.Gen`1[System.Int32]</c>,
/// <c>Exp.Ns.Gen`1+NestedInGen[System.__Canon]</c>, <c>Exp.Ns.Gen`1+&lt;GenAsync&gt;d__3[System.__Canon]</c>;
/// shared code uses <c>System.__Canon</c>, and arguments nest (<c>Box`1[System.Int32,Ns.Gen`1+X[System.Int32]]</c>);</item>
/// <item>compiler-generated names keep their brackets and bars: <c>Exp.Ns.Work+&lt;&gt;c__DisplayClass4_0+&lt;&lt;WithLambdas&gt;g__LocalAsync|5&gt;d</c>.</item>
/// </list>
/// Removing the trailing balanced <c>[...]</c> therefore yields the reflection full name of the definition.
/// </remarks>
internal static class RuntimeTypeNames
{
    /// <summary>Removes the trailing instantiation (<c>[...]</c>) from a runtime type name, if there is one.</summary>
    public static string StripInstantiation(string runtimeTypeName)
    {
        if (runtimeTypeName.Length == 0 || runtimeTypeName[^1] != ']')
        {
            return runtimeTypeName;
        }

        var depth = 0;
        for (var i = runtimeTypeName.Length - 1; i >= 0; i--)
        {
            switch (runtimeTypeName[i])
            {
                case ']':
                    depth++;
                    break;
                case '[':
                    depth--;
                    if (depth == 0)
                    {
                        return runtimeTypeName[..i];
                    }

                    break;
            }
        }

        // Unbalanced: not a name we understand, compare it as it is.
        return runtimeTypeName;
    }

    /// <summary>The name reflection gives a type's generic definition, comparable with <see cref="StripInstantiation"/>.</summary>
    public static string? DefinitionName(Type type)
    {
        var definition = type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;
        return definition.FullName;
    }
}
