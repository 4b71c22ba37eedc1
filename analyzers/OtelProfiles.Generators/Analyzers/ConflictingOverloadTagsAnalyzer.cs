using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP009: overloads (methods of one type with the same runtime name) that give one key different values. Their
/// lambdas and local functions (<c>&lt;Name&gt;b__…</c>), generic instantiations and struct state machines are matched
/// at run time by type and method name, which overloads share, so only one of the values can win for those frames.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConflictingOverloadTagsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ConflictingOverloadTags);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTagAttribute) is { } profileTag)
            {
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, profileTag), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol profileTag)
    {
        var type = (INamedTypeSymbol)context.Symbol;

        // Runtime method name -> (tag owner, attribute, key, value), in source order.
        var byName = new Dictionary<string, List<(ISymbol Owner, AttributeData Attribute, string Key, string Value)>>();
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol { PartialDefinitionPart: not null } || member is not (IMethodSymbol or IPropertySymbol))
            {
                continue;
            }

            var attributes = ProfileTagUsages.Of(member, profileTag);
            if (attributes.IsEmpty)
            {
                continue;
            }

            foreach (var method in ProfileTagUsages.MethodsOf(member))
            {
                if (!byName.TryGetValue(method.MetadataName, out var entries))
                {
                    entries = new List<(ISymbol, AttributeData, string, string)>();
                    byName.Add(method.MetadataName, entries);
                }

                foreach (var attribute in attributes)
                {
                    if (ProfileTagArguments.TryRead(attribute, out var key, out var value) && !string.IsNullOrWhiteSpace(key) && value is not null)
                    {
                        entries.Add((member, attribute, key!, value));
                    }
                }
            }
        }

        foreach (var entries in byName.Values)
        {
            foreach (var group in entries.GroupBy(e => e.Key))
            {
                var first = group.First();
                foreach (var entry in group)
                {
                    // Only between different members: two values on one member are OTP008's.
                    if (!SymbolEqualityComparer.Default.Equals(entry.Owner, first.Owner) && entry.Value != first.Value)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.ConflictingOverloadTags,
                            ProfileTagUsages.LocationOf(entry.Attribute, entry.Owner, context.CancellationToken),
                            entry.Owner.Name,
                            entry.Key,
                            first.Value,
                            entry.Value));
                    }
                }
            }
        }
    }
}
