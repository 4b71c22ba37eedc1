using Microsoft.CodeAnalysis;

namespace OtelProfiles.Generators.Common;

/// <summary>Reads the key and value of a bound <c>[ProfileTag(key, value)]</c> usage.</summary>
internal static class ProfileTagArguments
{
    /// <summary>
    /// True when the attribute bound to the <c>(string, string)</c> constructor with constant arguments; key and value
    /// may still be null. False for usages the compiler already reports (missing or mistyped arguments, non-constants).
    /// </summary>
    public static bool TryRead(AttributeData attribute, out string? key, out string? value)
    {
        key = null;
        value = null;
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 2)
        {
            return false;
        }

        var keyArgument = attribute.ConstructorArguments[0];
        var valueArgument = attribute.ConstructorArguments[1];
        if (!IsStringConstant(keyArgument) || !IsStringConstant(valueArgument))
        {
            return false;
        }

        key = keyArgument.Value as string;
        value = valueArgument.Value as string;
        return true;
    }

    /// <summary>True for attributes of the <c>ProfileTagAttribute</c> type.</summary>
    public static bool IsProfileTag(AttributeData attribute, INamedTypeSymbol profileTagType) =>
        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, profileTagType);

    private static bool IsStringConstant(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Primitive && (constant.Value is null || constant.Value is string);
}
