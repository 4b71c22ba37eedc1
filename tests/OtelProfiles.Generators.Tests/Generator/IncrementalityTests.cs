using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OtelProfiles.Generators.Generator;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Generator;

/// <summary>
/// The generator's pipeline caches: an unrelated edit re-runs nothing that matters, and no step output keeps a
/// symbol, syntax node or compilation alive.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Tagged = """
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;
        using OtelProfiles.Tags;

        namespace Shop
        {
            public class Checkout
            {
                [ProfileTag("shop.stage", "payment")]
                public async Task PayAsync() { await Task.Yield(); }

                [ProfileTag("shop.stage", "total")]
                public int Total { get; set; }
            }

            [ProfileTag("shop.component", "cart")]
            public class Cart { }
        }
        """;

    private const string Unrelated = """
        namespace Shop
        {
            public class Helper { public int Add(int a, int b) => a + b; }
        }
        """;

    private static readonly string[] TrackedSteps =
    {
        TrackingNames.TaggedDeclarations,
        TrackingNames.TaggedMembers,
        TrackingNames.CollectedMembers,
        TrackingNames.CompilationFacts,
        TrackingNames.Registration,
    };

    [Fact]
    public void Unrelated_edit_leaves_every_tracked_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile(new[] { Tagged, Unrelated });
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        // Edit the unrelated file only: a new member in Helper.
        var oldTree = compilation.SyntaxTrees.Last();
        var newTree = CSharpSyntaxTree.ParseText(
            Unrelated.Replace("public int Add", "public int Sub(int a, int b) => a - b;\n        public int Add"),
            (CSharpParseOptions)oldTree.Options,
            oldTree.FilePath);
        var edited = compilation.ReplaceSyntaxTree(oldTree, newTree);
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        foreach (var stepName in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps), $"step {stepName} was not tracked");
            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(
                        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step {stepName} output was {reason}");
                }
            }
        }

        // The output step itself did not run again.
        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Related_edit_is_seen()
    {
        var compilation = GeneratorHarness.Compile(new[] { Tagged, Unrelated });
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var oldTree = compilation.SyntaxTrees.First();
        var newTree = CSharpSyntaxTree.ParseText(Tagged.Replace("\"payment\"", "\"refund\""), (CSharpParseOptions)oldTree.Options, oldTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));

        var result = driver.GetRunResult().Results.Single();
        Assert.Contains(
            result.TrackedSteps[TrackingNames.Registration].SelectMany(s => s.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"refund\"", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Step_outputs_hold_no_symbols_syntax_or_compilations()
    {
        var compilation = GeneratorHarness.Compile(new[] { Tagged, Unrelated });
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();

        // Only the generator's own steps: Roslyn's internal ForAttributeWithMetadataName steps legitimately hold syntax.
        foreach (var stepName in TrackedSteps)
        {
            foreach (var step in result.TrackedSteps[stepName])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertHoldsNoRoslynObjects(value, stepName, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    // A default ImmutableArray<T> (e.g. an EquatableArray's empty backing field) cannot be enumerated.
    private static bool IsDefaultImmutableArray(object value) =>
        value.GetType() is { IsGenericType: true } type &&
        type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>) &&
        (bool)type.GetProperty("IsDefault")!.GetValue(value)!;

    // Walks fields (and enumerable contents) of an output object graph. Strings and primitives end the walk.
    private static void AssertHoldsNoRoslynObjects(object? value, string stepName, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol, $"step {stepName} holds an ISymbol ({value.GetType()})");
        Assert.False(value is SyntaxNode, $"step {stepName} holds a SyntaxNode ({value.GetType()})");
        Assert.False(value is Compilation, $"step {stepName} holds a Compilation ({value.GetType()})");
        Assert.False(value is SemanticModel, $"step {stepName} holds a SemanticModel ({value.GetType()})");

        if (value is IEnumerable enumerable && !IsDefaultImmutableArray(value))
        {
            foreach (var item in enumerable)
            {
                AssertHoldsNoRoslynObjects(item, stepName, visited);
            }
        }

        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!field.FieldType.IsPointer)
                {
                    AssertHoldsNoRoslynObjects(field.GetValue(value), stepName, visited);
                }
            }
        }
    }
}
