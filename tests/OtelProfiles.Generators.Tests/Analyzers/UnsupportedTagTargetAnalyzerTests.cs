using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class UnsupportedTagTargetAnalyzerTests
{
    [Fact]
    public Task Local_functions_and_lambdas_are_reported() => Verify.AnalyzerAsync<UnsupportedTagTargetAnalyzer>("""
        public class Stage
        {
            public int Run()
            {
                [{|OTP011:ProfileTag("shop.stage", "local")|}]
                static int Local() => 1;

                Func<int> lambda = [{|OTP011:ProfileTag("shop.stage", "lambda")|}] () => 2;
                return Local() + lambda();
            }
        }
        """);

    [Fact]
    public Task Other_attributes_on_local_functions_and_tagged_methods_are_fine() => Verify.AnalyzerAsync<UnsupportedTagTargetAnalyzer>("""
        public class Stage
        {
            [ProfileTag("shop.stage", "run")]
            public int Run()
            {
                [Obsolete]
                static int Local() => 1;

                Func<int> lambda = [Obsolete] () => 2;
                return Local() + lambda();
            }
        }
        """);
}
