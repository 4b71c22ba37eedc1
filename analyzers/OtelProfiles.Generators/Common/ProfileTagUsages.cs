using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OtelProfiles.Generators.Common;

/// <summary>Finds <c>[ProfileTag]</c> usages on symbols and the syntax the analyzers report them at.</summary>
internal static class ProfileTagUsages
{
    /// <summary>The <c>[ProfileTag]</c> attributes applied to <paramref name="symbol"/>, in source order.</summary>
    public static ImmutableArray<AttributeData> Of(ISymbol symbol, INamedTypeSymbol profileTagType)
    {
        var builder = ImmutableArray.CreateBuilder<AttributeData>();
        foreach (var attribute in symbol.GetAttributes())
        {
            if (ProfileTagArguments.IsProfileTag(attribute, profileTagType))
            {
                builder.Add(attribute);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Where the attribute was written, or the symbol's location when that is unknown.</summary>
    public static Location LocationOf(AttributeData attribute, ISymbol owner, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()
        ?? (owner.Locations.Length > 0 ? owner.Locations[0] : Location.None);

    /// <summary>
    /// The syntax of constructor argument <paramref name="ordinal"/> (parameter <paramref name="parameterName"/>),
    /// written positionally or by name; null when it cannot be found.
    /// </summary>
    public static AttributeArgumentSyntax? Argument(AttributeData attribute, int ordinal, string parameterName, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
        {
            return null;
        }

        foreach (var argument in list.Arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == parameterName)
            {
                return argument;
            }
        }

        // Positional arguments come before named ones, so the ordinal indexes them directly.
        return ordinal < list.Arguments.Count && list.Arguments[ordinal].NameColon is null && list.Arguments[ordinal].NameEquals is null
            ? list.Arguments[ordinal]
            : null;
    }

    /// <summary>The location of an argument's value (without any <c>name:</c>), falling back to the attribute.</summary>
    public static Location ArgumentLocation(AttributeData attribute, int ordinal, string parameterName, ISymbol owner, CancellationToken cancellationToken) =>
        Argument(attribute, ordinal, parameterName, cancellationToken)?.Expression.GetLocation() ?? LocationOf(attribute, owner, cancellationToken);

    /// <summary>The methods whose frames a tagged method or property stands for (a property: its accessors).</summary>
    public static IEnumerable<IMethodSymbol> MethodsOf(ISymbol symbol)
    {
        switch (symbol)
        {
            case IMethodSymbol method:
                yield return method;
                break;
            case IPropertySymbol property:
                if (property.GetMethod is { } getter)
                {
                    yield return getter;
                }

                if (property.SetMethod is { } setter)
                {
                    yield return setter;
                }

                break;
        }
    }
}
