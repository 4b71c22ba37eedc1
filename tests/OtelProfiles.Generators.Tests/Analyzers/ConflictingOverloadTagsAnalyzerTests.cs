using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class ConflictingOverloadTagsAnalyzerTests
{
    [Fact]
    public Task Overloads_with_different_values_for_a_key_conflict() => Verify.AnalyzerAsync<ConflictingOverloadTagsAnalyzer>("""
        public class Pricing
        {
            [ProfileTag("shop.stage", "price.int")]
            public int Price(int quantity) => quantity;

            [{|OTP009:ProfileTag("shop.stage", "price.string")|}]
            public int Price(string sku) => sku.Length;

            [ProfileTag("shop.stage", "indexer.int")]
            public int this[int i] => i;

            [{|OTP009:ProfileTag("shop.stage", "indexer.string")|}]
            public int this[string s] => s.Length;
        }
        """);

    [Fact]
    public Task Agreeing_overloads_and_distinct_names_are_fine() => Verify.AnalyzerAsync<ConflictingOverloadTagsAnalyzer>("""
        public class Pricing
        {
            [ProfileTag("shop.stage", "price")]
            public int Price(int quantity) => quantity;

            [ProfileTag("shop.stage", "price")]
            [ProfileTag("shop.tier", "only.here")]
            public int Price(string sku) => sku.Length;

            [ProfileTag("shop.stage", "other")]
            public int Discount(int quantity) => quantity;

            public int Untagged(int a) => a;
            public int Untagged(string a) => a.Length;
        }
        """);
}
