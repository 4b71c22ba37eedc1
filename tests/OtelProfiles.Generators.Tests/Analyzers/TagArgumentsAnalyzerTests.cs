using Microsoft.CodeAnalysis.Testing;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class TagArgumentsAnalyzerTests
{
    [Fact]
    public Task Missing_keys_are_errors() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>("""
        [ProfileTag({|OTP004:null!|}, "v")]
        [ProfileTag({|OTP004:""|}, "v")]
        [ProfileTag({|OTP004:"  "|}, "v")]
        [ProfileTag(value: "v", key: {|OTP004:""|})]
        public class Stage { }
        """);

    [Fact]
    public Task Keys_that_are_not_otel_names_are_warnings_with_a_suggestion() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>(
        """
        public class Stage
        {
            [ProfileTag({|#0:"Shop Stage"|}, "v")]
            [ProfileTag({|#1:"shopStage"|}, "v")]
            [ProfileTag({|#2:"a..b"|}, "v")]
            [ProfileTag({|#3:"é"|}, "v")]
            public void Run() { }
        }
        """,
        configure: null,
        new DiagnosticResult("OTP005", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0).WithArguments("Shop Stage", "; did you mean 'shop_stage'?"),
        new DiagnosticResult("OTP005", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(1).WithArguments("shopStage", "; did you mean 'shop_stage'?"),
        new DiagnosticResult("OTP005", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(2).WithArguments("a..b", "; did you mean 'a.b'?"),
        new DiagnosticResult("OTP005", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(3).WithArguments("é", ""));

    [Fact]
    public Task Reserved_otel_namespace_is_an_error() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>("""
        [ProfileTag({|OTP006:"otel.scope"|}, "v")]
        [ProfileTag({|OTP006:"OTEL.Scope"|}, "v")]
        public class Stage { }
        """);

    [Fact]
    public Task Missing_values_are_warnings() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>("""
        public class Stage
        {
            [ProfileTag("shop.stage", {|OTP007:null!|})]
            [ProfileTag("shop.tier", {|OTP007:""|})]
            public Stage() { }
        }
        """);

    [Fact]
    public Task Valid_keys_and_values_are_fine() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>("""
        public class Stage
        {
            private const string Key = "shop.stage";

            [ProfileTag(Key, "run")]
            [ProfileTag("http.response.status_code", "200")]
            [ProfileTag("k8s.pod.name", "a")]
            [ProfileTag("otelx.custom", "a")]
            [ProfileTag({|#0:nameof(Stage) + "x"|}, " ")]
            public void Run() { }
        }
        """,
        configure: null,
        new DiagnosticResult("OTP005", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0).WithArguments("Stagex", "; did you mean 'stagex'?"));

    [Fact]
    public Task Unbound_usages_are_left_to_the_compiler() => Verify.AnalyzerAsync<TagArgumentsAnalyzer>("""
        [{|CS7036:ProfileTag("only.key")|}]
        [ProfileTag({|CS1503:1|}, "v")]
        public class Stage { }
        """);
}
