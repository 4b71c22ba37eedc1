using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OtelProfiles.CodeFixes;

/// <summary>OTP003: replaces <c>MethodImplOptions.AggressiveInlining</c> with <c>NoInlining</c> on the tagged method.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceAggressiveInliningCodeFixProvider)), Shared]
public sealed class ReplaceAggressiveInliningCodeFixProvider : CodeFixProvider
{
    private const string Title = "Replace AggressiveInlining with NoInlining";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OTP003");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root?.FindNode(context.Span).FirstAncestorOrSelf<SyntaxNode>(MethodImplSyntax.CanCarryMethodImpl);
        if (declaration is null || AggressiveInliningNames(declaration).Length == 0)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, ct => FixAsync(context.Document, declaration, ct), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static async Task<Document> FixAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var updated = declaration.ReplaceNodes(
            AggressiveInliningNames(declaration),
            (original, _) => SyntaxFactory.IdentifierName("NoInlining").WithTriviaFrom(original));
        return document.WithSyntaxRoot(root!.ReplaceNode(declaration, updated));
    }

    // The "AggressiveInlining" names inside [MethodImpl(...)] arguments (MethodImplOptions.AggressiveInlining,
    // possibly combined with other flags).
    private static ImmutableArray<SimpleNameSyntax> AggressiveInliningNames(SyntaxNode declaration) =>
        MethodImplSyntax.AttributeListsOf(declaration)
            .SelectMany(l => l.Attributes)
            .Where(MethodImplSyntax.IsMethodImpl)
            .SelectMany(a => a.ArgumentList?.Arguments ?? default)
            .SelectMany(arg => arg.Expression.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>())
            .Select(access => access.Name)
            .Where(name => name.Identifier.ValueText == "AggressiveInlining")
            .ToImmutableArray();
}
