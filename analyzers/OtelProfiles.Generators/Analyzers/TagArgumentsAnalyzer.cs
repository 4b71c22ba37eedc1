using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// Checks the key and value of every <c>[ProfileTag]</c>: OTP004 null or empty key, OTP005 key that is not a valid
/// OpenTelemetry attribute name (with the normalized name for the code fix), OTP006 key in the reserved
/// <c>otel.</c> namespace, OTP007 null or empty value.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TagArgumentsAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property carrying the suggested key for OTP005 (absent when no fix is obvious).</summary>
    public const string NormalizedKeyProperty = "NormalizedKey";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TagKeyMissing,
        DiagnosticDescriptors.TagKeyNotOtelName,
        DiagnosticDescriptors.TagKeyReservedPrefix,
        DiagnosticDescriptors.TagValueMissing);

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

        foreach (var attribute in ProfileTagUsages.Of(symbol, profileTag))
        {
            // Unbound usages (missing or mistyped arguments) are the compiler's to report.
            if (!ProfileTagArguments.TryRead(attribute, out var key, out var value))
            {
                continue;
            }

            var cancellationToken = context.CancellationToken;
            if (string.IsNullOrWhiteSpace(key))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TagKeyMissing,
                    ProfileTagUsages.ArgumentLocation(attribute, 0, "key", symbol, cancellationToken)));
            }
            else if (OtelAttributeNames.HasReservedPrefix(key!))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TagKeyReservedPrefix,
                    ProfileTagUsages.ArgumentLocation(attribute, 0, "key", symbol, cancellationToken),
                    key));
            }
            else if (!OtelAttributeNames.IsValid(key!))
            {
                var normalized = OtelAttributeNames.Normalize(key!);
                var properties = normalized is null
                    ? ImmutableDictionary<string, string?>.Empty
                    : ImmutableDictionary<string, string?>.Empty.Add(NormalizedKeyProperty, normalized);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TagKeyNotOtelName,
                    ProfileTagUsages.ArgumentLocation(attribute, 0, "key", symbol, cancellationToken),
                    properties,
                    key,
                    normalized is null ? string.Empty : $"; did you mean '{normalized}'?"));
            }

            if (string.IsNullOrEmpty(value))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TagValueMissing,
                    ProfileTagUsages.ArgumentLocation(attribute, 1, "value", symbol, cancellationToken),
                    key ?? string.Empty));
            }
        }
    }
}
