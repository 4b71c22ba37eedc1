using System.Reflection;
using System.Text;

namespace OtelProfiles.Tags;

/// <summary>
/// Computes the documentation comment ID (the <c>M:Namespace.Type.Method(System.Int32)</c> strings the C# compiler
/// writes into XML docs) of a method found by reflection, so that it can be matched with the ID the source generator
/// recorded from the Roslyn symbol.
/// </summary>
/// <remarks>
/// Follows the format of the C# language specification (annex D) as Roslyn implements it: '.' between nesting
/// levels, <c>`N</c> arity on generic type definitions, <c>``N</c> on generic methods, <c>{...}</c> for constructed
/// types in parameters, <c>`i</c>/<c>``i</c> for type and method type parameters, <c>@</c> for by-ref,
/// <c>*</c> for pointers, <c>[]</c>/<c>[0:,0:]</c> for arrays, <c>#ctor</c>/<c>#cctor</c>, '#' for the dots of explicit
/// interface implementation names and <c>~Return</c> for conversion operators. Tests compare it with Roslyn's
/// output for every member of a compiled sample. Function pointer parameters are not supported (null is returned).
/// </remarks>
internal static class ReflectionDocumentationIds
{
    /// <summary>The documentation comment ID of <paramref name="method"/>, or null when it cannot be expressed.</summary>
    public static string? For(MethodBase method)
    {
        var declaringType = method.DeclaringType;
        if (declaringType is null)
        {
            return null;
        }

        var builder = new StringBuilder("M:");
        AppendDefinitionName(builder, declaringType);
        builder.Append('.');
        builder.Append(EscapeMemberName(method.Name));

        if (method.IsGenericMethod)
        {
            builder.Append("``").Append(method.GetGenericArguments().Length);
        }

        var parameters = method.GetParameters();
        if (parameters.Length > 0)
        {
            builder.Append('(');
            for (var i = 0; i < parameters.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                if (!AppendTypeReference(builder, parameters[i].ParameterType))
                {
                    return null;
                }
            }

            builder.Append(')');
        }

        if (method is MethodInfo info && method.IsSpecialName && method.Name is "op_Implicit" or "op_Explicit")
        {
            builder.Append('~');
            if (!AppendTypeReference(builder, info.ReturnType))
            {
                return null;
            }
        }

        return builder.ToString();
    }

    /// <summary>The <c>T:</c> ID of a type (used for type-level tags).</summary>
    public static string ForType(Type type)
    {
        var builder = new StringBuilder("T:");
        AppendDefinitionName(builder, type);
        return builder.ToString();
    }

    // Constructors are '#ctor'/'#cctor'; explicit implementations ("Ns.IFoo<Ns.Bar>.M") use '#' for '.' and braces
    // for angle brackets, so that the ID stays a dotted path.
    private static string EscapeMemberName(string name) => name switch
    {
        ".ctor" => "#ctor",
        ".cctor" => "#cctor",
        _ => name.Replace('.', '#').Replace('<', '{').Replace('>', '}'),
    };

    // The declaring type is written as a definition: Outer`1.Inner`2 (metadata names, '.' between levels).
    private static void AppendDefinitionName(StringBuilder builder, Type type)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            type = type.GetGenericTypeDefinition();
        }

        if (type.DeclaringType is { } outer)
        {
            AppendDefinitionName(builder, outer);
            builder.Append('.');
        }
        else if (!string.IsNullOrEmpty(type.Namespace))
        {
            builder.Append(type.Namespace).Append('.');
        }

        builder.Append(type.Name);
    }

    // A type used in a signature: type parameters by position, constructed generics with their arguments in braces.
    private static bool AppendTypeReference(StringBuilder builder, Type type)
    {
        if (type.IsByRef || type.IsPointer)
        {
            if (!AppendTypeReference(builder, type.GetElementType()!))
            {
                return false;
            }

            builder.Append(type.IsByRef ? '@' : '*');
            return true;
        }

        if (type.IsArray)
        {
            if (!AppendTypeReference(builder, type.GetElementType()!))
            {
                return false;
            }

            if (type.IsSZArray)
            {
                builder.Append("[]");
            }
            else
            {
                builder.Append('[');
                for (var i = 0; i < type.GetArrayRank(); i++)
                {
                    builder.Append(i == 0 ? "0:" : ",0:");
                }

                builder.Append(']');
            }

            return true;
        }

        if (type.IsGenericParameter)
        {
            builder.Append(type.DeclaringMethod is null ? "`" : "``").Append(type.GenericParameterPosition);
            return true;
        }

        if (type.IsFunctionPointer)
        {
            return false;
        }

        return AppendNamedTypeReference(builder, type);
    }

    private static bool AppendNamedTypeReference(StringBuilder builder, Type type)
    {
        // Inside a generic type, a parameter of the type's own shape (Gen<T> in Gen<T>) comes back from reflection
        // as the definition itself; its generic parameters then stand in as arguments, which prints the same.
        var arguments = type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
        return AppendLevel(builder, type, arguments);
    }

    // Reflection gives a nested generic type all arguments of all levels at once; each level takes its own share.
    private static bool AppendLevel(StringBuilder builder, Type level, Type[] allArguments)
    {
        var definition = level.IsGenericType && !level.IsGenericTypeDefinition ? level.GetGenericTypeDefinition() : level;
        var ownEnd = definition.IsGenericType ? definition.GetGenericArguments().Length : 0;
        var ownStart = 0;
        if (definition.DeclaringType is { } outer)
        {
            if (!AppendLevel(builder, outer, allArguments))
            {
                return false;
            }

            builder.Append('.');
            ownStart = outer.IsGenericType ? outer.GetGenericArguments().Length : 0;
        }
        else if (!string.IsNullOrEmpty(definition.Namespace))
        {
            builder.Append(definition.Namespace).Append('.');
        }

        var name = definition.Name;
        var tick = name.IndexOf('`');
        builder.Append(tick >= 0 ? name[..tick] : name);

        if (ownEnd > ownStart)
        {
            builder.Append('{');
            for (var i = ownStart; i < ownEnd && i < allArguments.Length; i++)
            {
                if (i > ownStart)
                {
                    builder.Append(',');
                }

                if (!AppendTypeReference(builder, allArguments[i]))
                {
                    return false;
                }
            }

            builder.Append('}');
        }

        return true;
    }
}
