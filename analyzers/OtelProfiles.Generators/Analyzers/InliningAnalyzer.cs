using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP002: a tagged method the JIT is likely to inline (see <see cref="InliningHeuristic"/>); OTP003: a tagged
/// method marked <c>MethodImplOptions.AggressiveInlining</c>. An inlined method has no frame, so its samples are
/// attributed to the caller and lose the tag.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InliningAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.TaggedMethodLikelyInlined, DiagnosticDescriptors.TaggedMethodAggressivelyInlined);

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
        if (symbol.IsAbstract || symbol.IsExtern || symbol is IMethodSymbol { PartialDefinitionPart: not null })
        {
            return; // Bodyless members are OTP001's; partial implementation parts are seen through their definition.
        }

        var tags = ProfileTagUsages.Of(symbol, profileTag);
        if (tags.IsEmpty)
        {
            return;
        }

        var methods = ProfileTagUsages.MethodsOf(symbol).ToArray();
        var location = ProfileTagUsages.LocationOf(tags[0], symbol, context.CancellationToken);
        if (methods.Any(m => (InliningHeuristic.MethodImplOptionsOf(m) & InliningHeuristic.AggressiveInlining) != 0))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TaggedMethodAggressivelyInlined, location, symbol.Name));
        }
        else if (methods.Any(m => InliningHeuristic.IsLikelyInlined(m, context.CancellationToken)))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TaggedMethodLikelyInlined, location, symbol.Name));
        }
    }
}
