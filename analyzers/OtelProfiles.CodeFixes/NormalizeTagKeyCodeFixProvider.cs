using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OtelProfiles.Generators.Analyzers;

namespace OtelProfiles.CodeFixes;

/// <summary>
/// OTP005: replaces a key that is not a valid OpenTelemetry attribute name with its normalized form
/// (<c>"Shop Stage"</c> → <c>"shop_stage"</c>, <c>"shopStage"</c> → <c>"shop_stage"</c>). Offered only when the analyzer
/// found an unambiguous rewrite and the key is a string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NormalizeTagKeyCodeFixProvider)), Shared]
public sealed class NormalizeTagKeyCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OTP005");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(TagArgumentsAnalyzer.NormalizedKeyProperty, out var normalized) || normalized is null)
            {
                continue;
            }

            // A constant or nameof() key would have to be fixed where it is declared; only literals are rewritten here.
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().FirstOrDefault() is not { } literal ||
                !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            var title = $"Use '{normalized}'";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(
                        literal,
                        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(normalized))
                            .WithTriviaFrom(literal)))),
                    equivalenceKey: nameof(NormalizeTagKeyCodeFixProvider)),
                diagnostic);
        }
    }
}
