using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace OtelProfiles.Generators.Tests.Infrastructure;

/// <summary>
/// Microsoft.CodeAnalysis.Testing drivers set up for this repository: references come from the running runtime and
/// the OtelProfiles library (no reference-assembly download), and sources start with the usings a user would write.
/// </summary>
internal static class Verify
{
    /// <summary>Usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;
        using OtelProfiles.Tags;

        """;

    /// <summary>Runs <typeparamref name="TAnalyzer"/> on <paramref name="source"/> and checks the diagnostics in its markup.</summary>
    public static Task AnalyzerAsync<TAnalyzer>(string source, Action<AnalyzerTest<DefaultVerifier>>? configure = null, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = Usings + source };
        Configure(test);
        test.ExpectedDiagnostics.AddRange(expected);
        configure?.Invoke(test);
        return test.RunAsync();
    }

    /// <summary>Runs <typeparamref name="TAnalyzer"/>, applies <typeparamref name="TCodeFix"/> and compares with <paramref name="fixedSource"/>.</summary>
    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
        };
        Configure(test);
        return test.RunAsync();
    }

    /// <summary>Sets the language version of the test project.</summary>
    public static void UseLanguageVersion(AnalyzerTest<DefaultVerifier> test, LanguageVersion version) =>
        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectParseOptions(projectId, new CSharpParseOptions(version)));

    private static void Configure(AnalyzerTest<DefaultVerifier> test)
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithNullableContextOptions(NullableContextOptions.Enable));
        });
    }
}
