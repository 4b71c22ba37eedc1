using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>OTP008: the same key twice on one member; the runtime keeps the first value and drops the rest.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateTagKeyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateTagKey);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is { } profileTag)
            {
                start.RegisterSymbolAction(
                    symbolContext => Analyze(symbolContext, profileTag),
                    SymbolKind.Method,
                    SymbolKind.Property,
                    SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol profileTag)
    {
        var symbol = context.Symbol;
        if (symbol is IMethodSymbol { PartialDefinitionPart: not null })
        {
            return;
        }

        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var attribute in ProfileTagUsages.Of(symbol, profileTag))
        {
            if (ProfileTagArguments.TryRead(attribute, out var key, out _) && !string.IsNullOrWhiteSpace(key) && !seen.Add(key!))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateTagKey,
                    ProfileTagUsages.LocationOf(attribute, symbol, context.CancellationToken),
                    symbol.Name,
                    key));
            }
        }
    }
}
