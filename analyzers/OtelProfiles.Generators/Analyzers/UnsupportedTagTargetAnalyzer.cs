using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP011: <c>[ProfileTag]</c> on a local function or lambda. Their compiler-generated names carry ordinals that
/// change with unrelated edits, so the generator does not register them; they inherit the enclosing method's tags.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsupportedTagTargetAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnsupportedTagTarget);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is { } profileTag)
            {
                start.RegisterSyntaxNodeAction(
                    nodeContext => Analyze(nodeContext, profileTag),
                    SyntaxKind.LocalFunctionStatement,
                    SyntaxKind.ParenthesizedLambdaExpression);
            }
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol profileTag)
    {
        var (lists, kind) = context.Node switch
        {
            LocalFunctionStatementSyntax local => (local.AttributeLists, "local function"),
            ParenthesizedLambdaExpressionSyntax lambda => (lambda.AttributeLists, "lambda"),
            _ => (default(SyntaxList<AttributeListSyntax>), string.Empty),
        };

        foreach (var list in lists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken).Symbol is IMethodSymbol constructor &&
                    SymbolEqualityComparer.Default.Equals(constructor.ContainingType, profileTag))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedTagTarget, attribute.GetLocation(), kind));
                }
            }
        }
    }
}
