using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace OtelProfiles.CodeFixes;

/// <summary>
/// OTP002: adds <c>[MethodImpl(MethodImplOptions.NoInlining)]</c> to the tagged method, or ORs NoInlining into an
/// existing <c>[MethodImpl(...)]</c>, so that the method keeps its own frame.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddNoInliningCodeFixProvider)), Shared]
public sealed class AddNoInliningCodeFixProvider : CodeFixProvider
{
    private const string Title = "Add [MethodImpl(MethodImplOptions.NoInlining)]";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OTP002");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root?.FindNode(context.Span).FirstAncestorOrSelf<SyntaxNode>(MethodImplSyntax.CanCarryMethodImpl);
        if (declaration is null)
        {
            return; // A tagged property: NoInlining belongs on each accessor, which the user should choose.
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, ct => FixAsync(context.Document, declaration, ct), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static async Task<Document> FixAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var lists = MethodImplSyntax.AttributeListsOf(declaration);
        var existing = lists.SelectMany(l => l.Attributes).FirstOrDefault(MethodImplSyntax.IsMethodImpl);

        SyntaxNode updated;
        if (existing is { ArgumentList.Arguments.Count: > 0 } withArguments)
        {
            // [MethodImpl(X)] -> [MethodImpl(X | MethodImplOptions.NoInlining)]
            var first = withArguments.ArgumentList!.Arguments[0];
            var combined = first.WithExpression(SyntaxFactory.BinaryExpression(
                SyntaxKind.BitwiseOrExpression, first.Expression.WithoutTrailingTrivia(), MethodImplSyntax.Option("NoInlining")));
            updated = declaration.ReplaceNode(first, combined);
        }
        else
        {
            updated = MethodImplSyntax.AddAttribute(declaration, MethodImplSyntax.MethodImplAttribute("NoInlining"));
        }

        // The new names are written fully qualified with AddImportsAnnotation: add the using directive here (code
        // action cleanup then shortens the names), rather than guessing where usings go in this file.
        var withAttribute = document.WithSyntaxRoot(root!.ReplaceNode(declaration, updated));
        return await ImportAdder.AddImportsAsync(withAttribute, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
