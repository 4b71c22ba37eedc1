using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP012: <c>[ProfileTag]</c> in a project compiled as C# 8 or earlier. The generated registration runs from a
/// module initializer (C# 9), so the generator emits nothing there and the tags would silently do nothing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LanguageVersionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LanguageVersionTooLow);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation is not CSharpCompilation { LanguageVersion: < LanguageVersion.CSharp9 } compilation ||
                compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is not { } profileTag)
            {
                return;
            }

            var version = compilation.LanguageVersion.ToDisplayString();
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (symbolContext.Symbol is IMethodSymbol { PartialDefinitionPart: not null })
                    {
                        return; // Seen through the definition part.
                    }

                    foreach (var attribute in ProfileTagUsages.Of(symbolContext.Symbol, profileTag))
                    {
                        symbolContext.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.LanguageVersionTooLow,
                            ProfileTagUsages.LocationOf(attribute, symbolContext.Symbol, symbolContext.CancellationToken),
                            version));
                    }
                },
                SymbolKind.Method,
                SymbolKind.Property,
                SymbolKind.NamedType);
        });
    }
}
