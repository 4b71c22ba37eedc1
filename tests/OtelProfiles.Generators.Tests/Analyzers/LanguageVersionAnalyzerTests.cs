using Microsoft.CodeAnalysis.CSharp;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class LanguageVersionAnalyzerTests
{
    private const string Source = """
        public class Stage
        {
            [{|#0:ProfileTag("shop.stage", "run")|}]
            public void Run() { }
        }
        """;

    [Fact]
    public Task CSharp_8_is_reported() => Verify.AnalyzerAsync<LanguageVersionAnalyzer>(
        Source.Replace("{|#0:", "{|OTP012:"),
        test => Verify.UseLanguageVersion(test, LanguageVersion.CSharp8));

    [Fact]
    public Task CSharp_9_is_fine() => Verify.AnalyzerAsync<LanguageVersionAnalyzer>(
        Source.Replace("{|#0:", string.Empty).Replace(")|}]", ")]"),
        test => Verify.UseLanguageVersion(test, LanguageVersion.CSharp9));
}
