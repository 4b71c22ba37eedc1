using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OtelProfiles.CodeFixes;

/// <summary>
/// OTP008: removes a repeated <c>[ProfileTag]</c> for a key the member already tags; the runtime ignores it anyway
/// (the first value wins), so removing it does not change behaviour.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveDuplicateTagCodeFixProvider)), Shared]
public sealed class RemoveDuplicateTagCodeFixProvider : CodeFixProvider
{
    private const string Title = "Remove the duplicate [ProfileTag]";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OTP008");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<AttributeSyntax>() is not { Parent: AttributeListSyntax list } attribute)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                Title,
                _ =>
                {
                    // [A, Dup] loses just the attribute; [Dup] on its own loses the whole list with its line.
                    var newRoot = list.Attributes.Count == 1
                        ? root.RemoveNode(list, SyntaxRemoveOptions.KeepNoTrivia)
                        : root.RemoveNode(attribute, SyntaxRemoveOptions.KeepNoTrivia);
                    return Task.FromResult(context.Document.WithSyntaxRoot(newRoot!));
                },
                equivalenceKey: Title),
            context.Diagnostics);
    }
}
