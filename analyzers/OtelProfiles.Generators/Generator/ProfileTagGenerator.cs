using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OtelProfiles.Generators.Common;
using OtelProfiles.Generators.Generator.Model;

namespace OtelProfiles.Generators.Generator;

/// <summary>
/// Records every <c>[ProfileTag]</c> usage of the compilation and emits a module initializer that registers the
/// table with the profiler, so that tagged methods cost nothing when they are called.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ProfileTagGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var members = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.ProfileTagAttribute,
                static (node, _) => IsSupportedDeclaration(node),
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.TaggedDeclarations)
            .SelectMany(static (declarationMembers, _) => declarationMembers.AsImmutableArray())
            .WithTrackingName(TrackingNames.TaggedMembers)
            .Collect()
            .WithTrackingName(TrackingNames.CollectedMembers);

        // Re-evaluated on every edit, but its output is a small record: when it compares equal, nothing downstream runs.
        var compilationFacts = context.CompilationProvider
            .Select(static (compilation, _) => ReadCompilationFacts(compilation))
            .WithTrackingName(TrackingNames.CompilationFacts);

        var registration = members
            .Combine(compilationFacts)
            .Select(static (pair, _) => new RegistrationModel(pair.Right, Normalize(pair.Left)))
            .WithTrackingName(TrackingNames.Registration);

        context.RegisterSourceOutput(registration, static (output, model) =>
        {
            // No tags, no library, or no module initializers (C# 8 and earlier, reported as OTP012): emit nothing.
            if (model.Members.Count == 0 || !model.Compilation.RegistryAvailable || !model.Compilation.SupportsModuleInitializers)
            {
                return;
            }

            output.AddSource(Emitter.HintName, Emitter.Emit(model));
        });
    }

    // Where [ProfileTag] can sit; lambdas and local functions are left to analyzer OTP011.
    private static bool IsSupportedDeclaration(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax
            or PropertyDeclarationSyntax
            or IndexerDeclarationSyntax
            or AccessorDeclarationSyntax
            or ClassDeclarationSyntax
            or StructDeclarationSyntax
            or RecordDeclarationSyntax;

    private static CompilationModel ReadCompilationFacts(Compilation compilation)
    {
        var moduleInitializer = compilation.GetTypeByMetadataName(KnownNames.ModuleInitializerAttribute);
        var languageVersion = (compilation as CSharpCompilation)?.LanguageVersion ?? LanguageVersion.Default;
        return new CompilationModel(
            compilation.AssemblyName ?? "Assembly",
            compilation.GetTypeByMetadataName(KnownNames.ProfileTagRegistry) is not null,
            moduleInitializer is not null && compilation.IsSymbolAccessibleWithin(moduleInitializer, compilation.Assembly),
            languageVersion >= LanguageVersion.CSharp9);
    }

    // Partial declarations report the same member once per part; merge them and sort, so that the emitted file
    // depends neither on file order nor on which part carries the attribute.
    private static EquatableArray<TaggedMemberModel> Normalize(ImmutableArray<TaggedMemberModel> members)
    {
        var merged = new Dictionary<(string, string), List<TagModel>>();
        foreach (var member in members)
        {
            var key = (member.TypeName, member.MemberId);
            if (!merged.TryGetValue(key, out var tags))
            {
                tags = new List<TagModel>();
                merged.Add(key, tags);
            }

            foreach (var tag in member.Tags)
            {
                if (!tags.Contains(tag))
                {
                    tags.Add(tag);
                }
            }
        }

        return new EquatableArray<TaggedMemberModel>(merged
            .OrderBy(entry => entry.Key.Item1, StringComparer.Ordinal)
            .ThenBy(entry => entry.Key.Item2, StringComparer.Ordinal)
            .Select(entry => new TaggedMemberModel(entry.Key.Item1, entry.Key.Item2, new EquatableArray<TagModel>(entry.Value))));
    }
}
