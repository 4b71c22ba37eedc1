using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OtelProfiles.Generators.Common;

/// <summary>
/// Guesses whether the JIT will inline a method, from its source alone (analyzer OTP002).
/// </summary>
/// <remarks>
/// The JIT decides from IL size and shape, which source does not show exactly, so this is a proxy chosen to catch
/// the obvious cases and stay quiet on the rest. A method is "likely inlined" when all of these hold:
/// <list type="bullet">
/// <item>it is not virtual, abstract, an override, an explicit interface implementation, extern, a static
/// constructor or a finalizer (those are called indirectly or by the runtime);</item>
/// <item>it is not async and not an iterator (what is sampled is the state machine's MoveNext, which is not inlined
/// into its caller);</item>
/// <item>it has no MethodImplOptions.NoInlining or NoOptimization;</item>
/// <item>its body has no loop, try/catch/finally, using, lock, throw or stackalloc (each of which makes the JIT
/// decline or makes inlining unprofitable);</item>
/// <item>its body is small: at most <see cref="MaxStatements"/> statements (an expression body counts as one) and at
/// most <see cref="MaxSyntaxNodes"/> syntax nodes, roughly the ~32 bytes of IL under which the JIT inlines almost
/// always. Auto-property accessors have no body and are always inlined.</item>
/// </list>
/// </remarks>
internal static class InliningHeuristic
{
    /// <summary>Statement budget of a "small" body.</summary>
    public const int MaxStatements = 3;

    /// <summary>Syntax node budget of a "small" body (IL size proxy).</summary>
    public const int MaxSyntaxNodes = 40;

    /// <summary><c>MethodImplOptions.NoInlining</c>.</summary>
    public const int NoInlining = 0x0008;

    /// <summary><c>MethodImplOptions.NoOptimization</c>.</summary>
    public const int NoOptimization = 0x0040;

    /// <summary><c>MethodImplOptions.AggressiveInlining</c>.</summary>
    public const int AggressiveInlining = 0x0100;

    /// <summary>The MethodImplOptions flags of <c>[MethodImpl]</c> on the method (0 when there is none).</summary>
    public static int MethodImplOptionsOf(IMethodSymbol method)
    {
        var options = 0;
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == KnownNames.MethodImplAttribute &&
                attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is { } value)
            {
                options |= System.Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return options;
    }

    /// <summary>True when the JIT is likely to inline <paramref name="method"/> (see remarks for the rules).</summary>
    public static bool IsLikelyInlined(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method;
        if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern || method.IsAsync ||
            method.MethodKind is not (MethodKind.Ordinary or MethodKind.Constructor or MethodKind.PropertyGet
                or MethodKind.PropertySet or MethodKind.UserDefinedOperator or MethodKind.Conversion))
        {
            return false;
        }

        if ((MethodImplOptionsOf(method) & (NoInlining | NoOptimization)) != 0)
        {
            return false;
        }

        if (method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        var body = BodyOf(declaration);
        if (body is null)
        {
            // Auto-property accessors ("get;") are trivial field accesses; anything else without a body is not ours to judge.
            return declaration is AccessorDeclarationSyntax;
        }

        var statements = 0;
        var nodes = 0;
        foreach (var node in body.DescendantNodesAndSelf())
        {
            if (IsInliningBlocker(node))
            {
                return false;
            }

            nodes++;
            if (node is StatementSyntax and not BlockSyntax)
            {
                statements++;
            }
        }

        if (body is ArrowExpressionClauseSyntax)
        {
            statements = 1;
        }

        return statements <= MaxStatements && nodes <= MaxSyntaxNodes;
    }

    private static SyntaxNode? BodyOf(SyntaxNode declaration) => declaration switch
    {
        BaseMethodDeclarationSyntax method => (SyntaxNode?)method.Body ?? method.ExpressionBody,
        AccessorDeclarationSyntax accessor => (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody,
        ArrowExpressionClauseSyntax arrow => arrow, // "int P => x;" : the getter's declaration is the arrow clause
        _ => null,
    };

    private static bool IsInliningBlocker(SyntaxNode node) =>
        node.Kind() is SyntaxKind.ForStatement or SyntaxKind.ForEachStatement or SyntaxKind.ForEachVariableStatement
            or SyntaxKind.WhileStatement or SyntaxKind.DoStatement or SyntaxKind.GotoStatement
            or SyntaxKind.TryStatement or SyntaxKind.UsingStatement or SyntaxKind.LockStatement
            or SyntaxKind.ThrowStatement or SyntaxKind.ThrowExpression
            or SyntaxKind.YieldReturnStatement or SyntaxKind.YieldBreakStatement
            or SyntaxKind.StackAllocArrayCreationExpression or SyntaxKind.ImplicitStackAllocArrayCreationExpression
        || node is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword };
}
