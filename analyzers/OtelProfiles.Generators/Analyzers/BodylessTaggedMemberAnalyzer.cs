using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP001: <c>[ProfileTag]</c> on an abstract, extern or interface member without a body, or on a partial method
/// declaration that has no implementation. No frame of such a member is ever sampled.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BodylessTaggedMemberAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.TagOnBodylessMember);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is { } profileTag)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, profileTag), SymbolKind.Method, SymbolKind.Property);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol profileTag)
    {
        var symbol = context.Symbol;
        if (symbol is IMethodSymbol { PartialDefinitionPart: not null })
        {
            return; // The implementation part of a partial method: its definition part is analyzed instead.
        }

        var tags = ProfileTagUsages.Of(symbol, profileTag);
        if (tags.IsEmpty || BodylessReason(symbol, context.CancellationToken) is not { } reason)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.TagOnBodylessMember,
            ProfileTagUsages.LocationOf(tags[0], symbol, context.CancellationToken),
            symbol.Name,
            reason));
    }

    private static string? BodylessReason(ISymbol symbol, System.Threading.CancellationToken cancellationToken)
    {
        if (symbol.IsAbstract)
        {
            return symbol.ContainingType?.TypeKind == TypeKind.Interface ? "interface member without a body" : "abstract";
        }

        if (symbol.IsExtern)
        {
            return "extern";
        }

        if (symbol is IMethodSymbol { PartialImplementationPart: null } method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax { Body: null, ExpressionBody: null } declaration &&
                    declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return "partial declaration without an implementation";
                }
            }
        }

        return null;
    }
}
