using System.Text;
using Microsoft.CodeAnalysis;

namespace OtelProfiles.Generators.Common;

/// <summary>Names of symbols as the runtime's reflection spells them.</summary>
internal static class SymbolNames
{
    /// <summary>
    /// The reflection full name of a type definition: namespace, then nesting levels joined by '+', each with its
    /// metadata name (<c>Shop.Checkout+Payment`1</c>); what <c>Assembly.GetType(string)</c> accepts.
    /// </summary>
    public static string ReflectionFullName(INamedTypeSymbol type)
    {
        var builder = new StringBuilder();
        Append(builder, type.OriginalDefinition);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, INamedTypeSymbol type)
    {
        if (type.ContainingType is { } outer)
        {
            Append(builder, outer);
            builder.Append('+');
        }
        else
        {
            AppendNamespace(builder, type.ContainingNamespace);
        }

        builder.Append(type.MetadataName);
    }

    private static void AppendNamespace(StringBuilder builder, INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return;
        }

        AppendNamespace(builder, ns.ContainingNamespace);
        builder.Append(ns.MetadataName).Append('.');
    }
}
