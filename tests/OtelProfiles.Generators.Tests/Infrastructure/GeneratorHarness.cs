using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OtelProfiles.Generators.Generator;

namespace OtelProfiles.Generators.Tests.Infrastructure;

/// <summary>Compiles source text and runs <see cref="ProfileTagGenerator"/> over it.</summary>
internal static class GeneratorHarness
{
    /// <summary>A compilation of <paramref name="sources"/> against the framework and the library.</summary>
    public static CSharpCompilation Compile(
        IEnumerable<string> sources,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        IEnumerable<MetadataReference>? references = null,
        string assemblyName = "Sample.App")
    {
        var parseOptions = new CSharpParseOptions(languageVersion);
        return CSharpCompilation.Create(
            assemblyName,
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions, path: $"Source{i}.cs")),
            references ?? TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>A driver that records step outputs (needed to inspect tracked steps).</summary>
    public static GeneratorDriver CreateDriver(LanguageVersion languageVersion = LanguageVersion.Latest) =>
        CSharpGeneratorDriver.Create(
            new[] { new ProfileTagGenerator().AsSourceGenerator() },
            parseOptions: new CSharpParseOptions(languageVersion),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="compilation"/>.</summary>
    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(
        CSharpCompilation compilation)
    {
        var driver = CreateDriver(((CSharpParseOptions)compilation.SyntaxTrees.First().Options).LanguageVersion);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    /// <summary>The single generated source, or null when the generator emitted nothing.</summary>
    public static string? GeneratedSource(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result.GeneratedSources.Length == 0 ? null : result.GeneratedSources.Single().SourceText.ToString();
    }
}
