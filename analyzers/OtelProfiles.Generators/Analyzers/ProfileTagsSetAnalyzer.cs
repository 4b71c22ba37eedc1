using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Analyzers;

/// <summary>
/// OTP013: a constant key passed to <c>ProfileTags.Set</c> that breaks the attribute naming rules, which the call
/// checks at run time by throwing; caught at compile time instead, with the normalized name when there is one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProfileTagsSetAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ScopedTagKeyInvalid);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownNames.ProfileTags) is { } profileTags)
            {
                start.RegisterOperationAction(operation => Analyze(operation, profileTags), OperationKind.Invocation);
            }
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol profileTags)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "Set"
            || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, profileTags))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name != "key" || argument.Value.ConstantValue is not { HasValue: true, Value: string key })
            {
                continue;
            }

            if (OtelAttributeNames.IsValid(key) && !OtelAttributeNames.HasReservedPrefix(key))
            {
                continue;
            }

            var normalized = OtelAttributeNames.Normalize(key);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ScopedTagKeyInvalid,
                argument.Value.Syntax.GetLocation(),
                key,
                normalized is null ? string.Empty : $"; did you mean '{normalized}'?"));
        }
    }
}
