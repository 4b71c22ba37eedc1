using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP010: a tag key with more distinct values in the compilation than the configured limit
/// (<c>otelprofiles.max_tag_values_per_key</c> in .editorconfig or .globalconfig, default 50). Every distinct value
/// splits the profile into another series, so backends store and query more.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TagCardinalityAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HighCardinalityTagKey);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is not { } profileTag)
            {
                return;
            }

            // key -> value -> where it was first written.
            var values = new ConcurrentDictionary<string, ConcurrentDictionary<string, Location>>(StringComparer.Ordinal);
            start.RegisterSymbolAction(
                symbolContext => Collect(symbolContext, profileTag, values),
                SymbolKind.Method,
                SymbolKind.Property,
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(endContext => Report(endContext, values));
        });
    }

    private static void Collect(
        SymbolAnalysisContext context, INamedTypeSymbol profileTag, ConcurrentDictionary<string, ConcurrentDictionary<string, Location>> values)
    {
        if (context.Symbol is IMethodSymbol { PartialDefinitionPart: not null })
        {
            return;
        }

        foreach (var attribute in ProfileTagUsages.Of(context.Symbol, profileTag))
        {
            if (ProfileTagArguments.TryRead(attribute, out var key, out var value) && !string.IsNullOrWhiteSpace(key) && value is not null)
            {
                var location = ProfileTagUsages.LocationOf(attribute, context.Symbol, context.CancellationToken);
                // Symbols are analyzed concurrently: keep the earliest location of each value so reports are stable.
                values.GetOrAdd(key!, _ => new ConcurrentDictionary<string, Location>(StringComparer.Ordinal))
                    .AddOrUpdate(value, location, (_, existing) => Compare(location, existing) < 0 ? location : existing);
            }
        }
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentDictionary<string, ConcurrentDictionary<string, Location>> values)
    {
        foreach (var entry in values.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // The values in the order they are first written; the first one over the limit is reported.
            var locations = entry.Value.Values.ToArray();
            Array.Sort(locations, Compare);
            var limit = ReadLimit(context, locations[0]);
            if (locations.Length > limit)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.HighCardinalityTagKey,
                    locations[limit],
                    entry.Key,
                    locations.Length,
                    limit));
            }
        }
    }

    private static int Compare(Location left, Location right)
    {
        var byPath = string.CompareOrdinal(left.SourceTree?.FilePath, right.SourceTree?.FilePath);
        return byPath != 0 ? byPath : left.SourceSpan.Start.CompareTo(right.SourceSpan.Start);
    }

    // Per-tree options include .editorconfig sections and .globalconfig; fall back to the global ones.
    private static int ReadLimit(CompilationAnalysisContext context, Location location)
    {
        var provider = context.Options.AnalyzerConfigOptionsProvider;
        var options = location.SourceTree is { } tree ? provider.GetOptions(tree) : provider.GlobalOptions;
        if ((options.TryGetValue(KnownNames.MaxTagValuesPerKeyOption, out var text) ||
             provider.GlobalOptions.TryGetValue(KnownNames.MaxTagValuesPerKeyOption, out text)) &&
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) &&
            limit > 0)
        {
            return limit;
        }

        return KnownNames.DefaultMaxTagValuesPerKey;
    }
}
