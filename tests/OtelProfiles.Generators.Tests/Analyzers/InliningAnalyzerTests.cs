using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Analyzers;

public sealed class InliningAnalyzerTests
{
    [Fact]
    public Task Small_non_virtual_members_are_likely_inlined() => Verify.AnalyzerAsync<InliningAnalyzer>("""
        public class Prices
        {
            private int _base;

            [{|OTP002:ProfileTag("shop.stage", "ctor")|}]
            public Prices() => _base = 1;

            [{|OTP002:ProfileTag("shop.stage", "add")|}]
            public int Add(int a, int b) => a + b;

            [{|OTP002:ProfileTag("shop.stage", "block")|}]
            public static int Twice(int a)
            {
                var doubled = a * 2;
                return doubled;
            }

            [{|OTP002:ProfileTag("shop.stage", "auto")|}]
            public int Total { get; set; }

            [{|OTP002:ProfileTag("shop.stage", "getter")|}]
            public int Base => _base;
        }
        """);

    [Fact]
    public Task Members_the_JIT_does_not_inline_are_fine() => Verify.AnalyzerAsync<InliningAnalyzer>("""
        public class Prices
        {
            [ProfileTag("shop.stage", "noinline")]
            [MethodImpl(MethodImplOptions.NoInlining)]
            public int Add(int a, int b) => a + b;

            [ProfileTag("shop.stage", "virtual")]
            public virtual int Virtual() => 1;

            [ProfileTag("shop.stage", "async")]
            public async Task<int> LoadAsync() { await Task.Yield(); return 1; }

            [ProfileTag("shop.stage", "iterator")]
            public IEnumerable<int> Items() { yield return 1; }

            [ProfileTag("shop.stage", "loop")]
            public int Sum(int[] values) { var s = 0; foreach (var v in values) { s += v; } return s; }

            [ProfileTag("shop.stage", "throws")]
            public int Check(int a) => a > 0 ? a : throw new ArgumentOutOfRangeException(nameof(a));

            [ProfileTag("shop.stage", "try")]
            public int Guarded() { try { return 1; } finally { Console.WriteLine(); } }

            [ProfileTag("shop.stage", "cctor")]
            static Prices() { }

            [ProfileTag("shop.stage", "large")]
            public int Large(int a)
            {
                var b = a + 1;
                var c = b * 2;
                var d = c - 3;
                return d + Console.WindowWidth;
            }

            [ProfileTag("shop.stage", "accessors")]
            public int Total
            {
                [MethodImpl(MethodImplOptions.NoInlining)] get;
                [MethodImpl(MethodImplOptions.NoInlining)] set;
            }
        }
        """);

    [Fact]
    public Task AggressiveInlining_is_an_error() => Verify.AnalyzerAsync<InliningAnalyzer>("""
        public class Prices
        {
            [{|OTP003:ProfileTag("shop.stage", "aggressive")|}]
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Add(int a, int b) => a + b;

            [{|OTP003:ProfileTag("shop.stage", "combined")|}]
            [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
            public int Sum(int[] values) { var s = 0; foreach (var v in values) { s += v; } return s; }
        }
        """);

    [Fact]
    public Task Other_MethodImpl_options_are_not_AggressiveInlining() => Verify.AnalyzerAsync<InliningAnalyzer>("""
        public class Prices
        {
            [ProfileTag("shop.stage", "optimized")]
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public int Sum(int[] values) { var s = 0; foreach (var v in values) { s += v; } return s; }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Untagged(int a) => a;
        }
        """);
}
