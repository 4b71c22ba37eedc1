using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using OtelProfiles.Generators.Common;
using OtelProfiles.Generators.Generator.Model;

namespace OtelProfiles.Generators.Generator;

/// <summary>
/// Turns one attributed declaration into value-equatable models: no symbol or syntax leaves this class, so that
/// the pipeline caches on values and holds no compilation alive.
/// </summary>
internal static class Parser
{
    /// <summary>The tagged members a declaration contributes (none when the usage is malformed).</summary>
    public static EquatableArray<TaggedMemberModel> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Malformed usages (missing or mistyped arguments, null or empty keys) are skipped here: the compiler and
        // the OTP analyzers report them, and a generator must never fail on code that is still being typed.
        var tags = ReadTags(context.Attributes);
        if (tags.Count == 0)
        {
            return EquatableArray<TaggedMemberModel>.Empty;
        }

        var members = new List<TaggedMemberModel>();
        switch (context.TargetSymbol)
        {
            case IMethodSymbol method:
                AddMethod(members, method, tags);
                break;
            case IPropertySymbol property:
                // A property is sampled as its accessors (get_X / set_X).
                AddMethod(members, property.GetMethod, tags);
                AddMethod(members, property.SetMethod, tags);
                break;
            case INamedTypeSymbol type when type.TypeKind is TypeKind.Class or TypeKind.Struct:
                if (type.GetDocumentationCommentId() is { } typeId)
                {
                    members.Add(new TaggedMemberModel(SymbolNames.ReflectionFullName(type), typeId, tags));
                }

                break;
        }

        return new EquatableArray<TaggedMemberModel>(members);
    }

    private static void AddMethod(List<TaggedMemberModel> members, IMethodSymbol? method, EquatableArray<TagModel> tags)
    {
        // Lambdas and local functions have no stable identity the runtime could look up (analyzer OTP011);
        // they inherit the tags of the method that declares them.
        if (method is null ||
            method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction ||
            method.ContainingType is not { } containingType ||
            method.GetDocumentationCommentId() is not { } id)
        {
            return;
        }

        members.Add(new TaggedMemberModel(SymbolNames.ReflectionFullName(containingType), id, tags));
    }

    private static EquatableArray<TagModel> ReadTags(IEnumerable<AttributeData> attributes)
    {
        var tags = new List<TagModel>();
        foreach (var attribute in attributes)
        {
            if (ProfileTagArguments.TryRead(attribute, out var key, out var value) &&
                !string.IsNullOrWhiteSpace(key) &&
                value is not null)
            {
                tags.Add(new TagModel(key!, value));
            }
        }

        return new EquatableArray<TagModel>(tags);
    }
}
