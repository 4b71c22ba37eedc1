using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace OtelProfiles.CodeFixes;

/// <summary>Syntax helpers for reading and writing <c>[MethodImpl(...)]</c>.</summary>
internal static class MethodImplSyntax
{
    private const string Namespace = "global::System.Runtime.CompilerServices";

    /// <summary>Declarations <c>[MethodImpl]</c> can be put on: methods, constructors, operators, accessors.</summary>
    public static bool CanCarryMethodImpl(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax;

    /// <summary>The attribute lists of a declaration accepted by <see cref="CanCarryMethodImpl"/>.</summary>
    public static SyntaxList<AttributeListSyntax> AttributeListsOf(SyntaxNode declaration) => declaration switch
    {
        BaseMethodDeclarationSyntax method => method.AttributeLists,
        AccessorDeclarationSyntax accessor => accessor.AttributeLists,
        _ => default,
    };

    /// <summary>True for <c>[MethodImpl]</c> written in any of its spellings.</summary>
    public static bool IsMethodImpl(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return name is "MethodImpl" or "MethodImplAttribute";
    }

    /// <summary>
    /// <c>MethodImplOptions.{option}</c>, written fully qualified and annotated so that code action cleanup adds the
    /// using directive and shortens it.
    /// </summary>
    public static ExpressionSyntax Option(string option) =>
        SyntaxFactory.ParseExpression($"{Namespace}.MethodImplOptions.{option}")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>A new <c>[MethodImpl(MethodImplOptions.{option})]</c> attribute list.</summary>
    public static AttributeListSyntax MethodImplAttribute(string option) =>
        SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(
                    (NameSyntax)SyntaxFactory.ParseName($"{Namespace}.MethodImpl")
                        .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                    SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.AttributeArgument(Option(option)))))))
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>Appends an attribute list after the declaration's existing ones.</summary>
    public static SyntaxNode AddAttribute(SyntaxNode declaration, AttributeListSyntax list) => declaration switch
    {
        BaseMethodDeclarationSyntax method => method.AddAttributeLists(list),
        AccessorDeclarationSyntax accessor => accessor.AddAttributeLists(list),
        _ => declaration,
    };
}
