using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class DuplicateTagKeyAnalyzerTests
{
    [Fact]
    public Task Repeated_key_on_one_member_is_a_warning() => Verify.AnalyzerAsync<DuplicateTagKeyAnalyzer>("""
        [ProfileTag("shop.component", "cart")]
        [{|OTP008:ProfileTag("shop.component", "basket")|}]
        public class Cart
        {
            [ProfileTag("shop.stage", "a"), {|OTP008:ProfileTag("shop.stage", "a")|}]
            public void Run() { }
        }
        """);

    [Fact]
    public Task Distinct_keys_and_separate_members_are_fine() => Verify.AnalyzerAsync<DuplicateTagKeyAnalyzer>("""
        [ProfileTag("shop.component", "cart")]
        public class Cart
        {
            [ProfileTag("shop.component", "cart.run")]
            [ProfileTag("shop.stage", "run")]
            public void Run() { }

            [ProfileTag("shop.stage", "stop")]
            public void Stop() { }
        }
        """);
}
