using Microsoft.CodeAnalysis.Testing;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class TagCardinalityAnalyzerTests
{
    private const string ThreeValues = """
        public class Stages
        {
            [ProfileTag("shop.stage", "one")] public void A() { }
            [ProfileTag("shop.stage", "two")] public void B() { }
            [{|#0:ProfileTag("shop.stage", "three")|}] public void C() { }
            [ProfileTag("shop.stage", "one")] public void D() { }
            [ProfileTag("shop.tier", "gold")] public void E() { }
        }
        """;

    [Fact]
    public Task More_values_than_the_configured_limit_is_reported() => Verify.AnalyzerAsync<TagCardinalityAnalyzer>(
        ThreeValues,
        test => test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\notelprofiles.max_tag_values_per_key = 2\n")),
        new DiagnosticResult("OTP010", Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(0).WithArguments("shop.stage", 3, 2));

    [Fact]
    public Task Editorconfig_sets_the_limit_too() => Verify.AnalyzerAsync<TagCardinalityAnalyzer>(
        ThreeValues,
        test => test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\notelprofiles.max_tag_values_per_key = 2\n")),
        new DiagnosticResult("OTP010", Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(0).WithArguments("shop.stage", 3, 2));

    [Fact]
    public Task Within_the_default_limit_is_fine() => Verify.AnalyzerAsync<TagCardinalityAnalyzer>(ThreeValues.Replace("{|#0:", string.Empty).Replace(")|}]", ")]"));

    [Fact]
    public Task Within_a_configured_limit_is_fine() => Verify.AnalyzerAsync<TagCardinalityAnalyzer>(
        ThreeValues.Replace("{|#0:", string.Empty).Replace(")|}]", ")]"),
        test => test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\notelprofiles.max_tag_values_per_key = 3\n")));
}
