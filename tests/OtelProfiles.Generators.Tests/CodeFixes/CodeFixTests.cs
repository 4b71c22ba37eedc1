using OtelProfiles.CodeFixes;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.CodeFixes;

public sealed class AddNoInliningCodeFixTests
{
    [Fact]
    public Task Adds_the_attribute_and_the_using() => Verify.CodeFixAsync<InliningAnalyzer, AddNoInliningCodeFixProvider>(
        """
        using OtelProfiles.Tags;

        public class Prices
        {
            [{|OTP002:ProfileTag("shop.stage", "add")|}]
            public int Add(int a, int b) => a + b;
        }
        """,
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            [ProfileTag("shop.stage", "add")]
            [MethodImpl(MethodImplOptions.NoInlining)]
            public int Add(int a, int b) => a + b;
        }
        """);

    [Fact]
    public Task Combines_with_existing_MethodImpl_options() => Verify.CodeFixAsync<InliningAnalyzer, AddNoInliningCodeFixProvider>(
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            [{|OTP002:ProfileTag("shop.stage", "add")|}]
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public int Add(int a, int b) => a + b;
        }
        """,
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            [ProfileTag("shop.stage", "add")]
            [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
            public int Add(int a, int b) => a + b;
        }
        """);

    [Fact]
    public Task Works_on_constructors_and_accessors() => Verify.CodeFixAsync<InliningAnalyzer, AddNoInliningCodeFixProvider>(
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            private int _base;

            [{|OTP002:ProfileTag("shop.stage", "ctor")|}]
            public Prices() => _base = 1;

            public int Base
            {
                [{|OTP002:ProfileTag("shop.stage", "getter")|}]
                get => _base;
            }
        }
        """,
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            private int _base;

            [ProfileTag("shop.stage", "ctor")]
            [MethodImpl(MethodImplOptions.NoInlining)]
            public Prices() => _base = 1;

            public int Base
            {
                [ProfileTag("shop.stage", "getter")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                get => _base;
            }
        }
        """);
}

public sealed class ReplaceAggressiveInliningCodeFixTests
{
    [Fact]
    public Task Replaces_AggressiveInlining_with_NoInlining() => Verify.CodeFixAsync<InliningAnalyzer, ReplaceAggressiveInliningCodeFixProvider>(
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            [{|OTP003:ProfileTag("shop.stage", "add")|}]
            [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
            public int Add(int a, int b) => a + b;
        }
        """,
        """
        using System.Runtime.CompilerServices;
        using OtelProfiles.Tags;

        public class Prices
        {
            [ProfileTag("shop.stage", "add")]
            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
            public int Add(int a, int b) => a + b;
        }
        """);
}

public sealed class NormalizeTagKeyCodeFixTests
{
    [Fact]
    public Task Rewrites_the_key_literal() => Verify.CodeFixAsync<TagArgumentsAnalyzer, NormalizeTagKeyCodeFixProvider>(
        """
        using OtelProfiles.Tags;

        [ProfileTag({|OTP005:"Shop Stage"|}, "cart")]
        [ProfileTag(value: "gold", key: {|OTP005:"shopTier"|})]
        public class Cart { }
        """,
        """
        using OtelProfiles.Tags;

        [ProfileTag("shop_stage", "cart")]
        [ProfileTag(value: "gold", key: "shop_tier")]
        public class Cart { }
        """);

    [Fact]
    public Task Offers_nothing_without_an_obvious_rewrite() => Verify.CodeFixAsync<TagArgumentsAnalyzer, NormalizeTagKeyCodeFixProvider>(
        """
        using OtelProfiles.Tags;

        [ProfileTag({|OTP005:"é"|}, "cart")]
        public class Cart { }
        """,
        """
        using OtelProfiles.Tags;

        [ProfileTag({|OTP005:"é"|}, "cart")]
        public class Cart { }
        """);
}

public sealed class RemoveDuplicateTagCodeFixTests
{
    [Fact]
    public Task Removes_the_duplicate_attribute() => Verify.CodeFixAsync<DuplicateTagKeyAnalyzer, RemoveDuplicateTagCodeFixProvider>(
        """
        using OtelProfiles.Tags;

        public class Cart
        {
            [ProfileTag("shop.stage", "a")]
            [{|OTP008:ProfileTag("shop.stage", "b")|}]
            public void Run() { }

            [ProfileTag("shop.stage", "a"), {|OTP008:ProfileTag("shop.stage", "a")|}]
            public void Stop() { }
        }
        """,
        """
        using OtelProfiles.Tags;

        public class Cart
        {
            [ProfileTag("shop.stage", "a")]
            public void Run() { }

            [ProfileTag("shop.stage", "a")]
            public void Stop() { }
        }
        """);
}
