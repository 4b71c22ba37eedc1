using Microsoft.CodeAnalysis.Testing;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class ProfileTagsSetAnalyzerTests
{
    [Fact]
    public Task Constant_keys_that_the_call_would_reject_are_warnings() => Verify.AnalyzerAsync<ProfileTagsSetAnalyzer>(
        """
        public class Handler
        {
            private const string Tier = "Tenant Tier";

            public void Run()
            {
                using (OtelProfiles.ProfileTags.Set({|#0:"tenantTier"|}, "gold")) { }
                using (OtelProfiles.ProfileTags.Set({|#1:Tier|}, "gold")) { }
                using (OtelProfiles.ProfileTags.Set(value: "x", key: {|#2:"otel.scope"|})) { }
            }
        }
        """,
        configure: null,
        new DiagnosticResult("OTP013", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0).WithArguments("tenantTier", "; did you mean 'tenant_tier'?"),
        new DiagnosticResult("OTP013", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(1).WithArguments("Tenant Tier", "; did you mean 'tenant_tier'?"),
        new DiagnosticResult("OTP013", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(2).WithArguments("otel.scope", ""));

    [Fact]
    public Task Valid_and_computed_keys_are_fine() => Verify.AnalyzerAsync<ProfileTagsSetAnalyzer>("""
        public class Handler
        {
            public void Run(string key)
            {
                using (OtelProfiles.ProfileTags.Set("tenant.tier", "gold")) { }
                using (OtelProfiles.ProfileTags.Set(key, "gold")) { }
            }
        }
        """);
}
