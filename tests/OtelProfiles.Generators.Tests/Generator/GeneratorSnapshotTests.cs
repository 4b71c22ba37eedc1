using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Generator;

/// <summary>The emitted registration file, compared with checked-in snapshots (see <see cref="Snapshot"/>).</summary>
public sealed class GeneratorSnapshotTests
{
    private const string AllShapes = """
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;
        using OtelProfiles.Tags;

        namespace Shop
        {
            public interface IStage { void Run(); int Weight { get; } }

            public class Checkout : IStage
            {
                [ProfileTag("shop.stage", "checkout.ctor")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                public Checkout() { }

                [ProfileTag("shop.stage", "checkout.cctor")]
                static Checkout() { }

                [ProfileTag("shop.stage", "payment")]
                [ProfileTag("shop.tier", "gold")]
                public async Task PayAsync(int amount) { await Task.Yield(); }

                [ProfileTag("shop.stage", "overload.int")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                public int Price(int quantity) => quantity;

                [ProfileTag("shop.stage", "overload.string")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                public int Price(string sku, ref int quantity, out long total, params int[][] extra) { total = 0; return sku.Length; }

                [ProfileTag("shop.stage", "items")]
                public IEnumerable<int> Items() { yield return 1; }

                [ProfileTag("shop.stage", "stream")]
                public async IAsyncEnumerable<int> Stream() { await Task.Yield(); yield return 1; }

                [ProfileTag("shop.stage", "property")]
                public int Total { get; set; }

                public int Discount { [ProfileTag("shop.stage", "getter")] [MethodImpl(MethodImplOptions.NoInlining)] get => 0; }

                [ProfileTag("shop.stage", "explicit")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                void IStage.Run() { }

                int IStage.Weight { [ProfileTag("shop.stage", "explicit.getter")] [MethodImpl(MethodImplOptions.NoInlining)] get => 1; }

                [ProfileTag("shop.stage", "generic.method")]
                [MethodImpl(MethodImplOptions.NoInlining)]
                public T Echo<T>(T value, List<T> all) => value;

                private sealed class Hidden
                {
                    [ProfileTag("shop.stage", "private.nested")]
                    [MethodImpl(MethodImplOptions.NoInlining)]
                    public void Work() { }
                }
            }

            [ProfileTag("shop.component", "cart")]
            public sealed class Cart<TItem> where TItem : class
            {
                public sealed class Line<TKey>
                {
                    [ProfileTag("shop.stage", "line.add")]
                    [MethodImpl(MethodImplOptions.NoInlining)]
                    public void Add(TItem item, TKey key, Dictionary<TKey, TItem> index) { }
                }
            }

            public partial class Partial
            {
                [ProfileTag("shop.stage", "partial")]
                public partial void Split();
            }

            public partial class Partial
            {
                [MethodImpl(MethodImplOptions.NoInlining)]
                public partial void Split() { }
            }

            [ProfileTag("shop.component", "value")]
            public struct Amount { public long Cents; }
        }

        [ProfileTag("shop.stage", "global")]
        public class InGlobalNamespace { }
        """;

    [Fact]
    public void Emits_one_registration_for_every_shape()
    {
        var (driver, output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { AllShapes }));

        Snapshot.Verify(GeneratorHarness.GeneratedSource(driver)!, "AllShapes");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Escapes_keys_and_values()
    {
        const string source = """
            using OtelProfiles.Tags;
            [ProfileTag("app.quote", "say \"hi\"\\now\n\t\u00e9\U0001F600")]
            public class Odd { }
            """;

        var (driver, output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, assemblyName: "Odd-Name.1"));

        Snapshot.Verify(GeneratorHarness.GeneratedSource(driver)!, "Escaping");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Emits_a_ModuleInitializerAttribute_polyfill_when_the_framework_lacks_it()
    {
        const string source = """
            using OtelProfiles.Tags;
            [ProfileTag("app.stage", "old")]
            public class OnOldFramework { }
            """;

        var compilation = GeneratorHarness.Compile(new[] { source }, LanguageVersion.CSharp9, OldFramework.References);
        var (driver, output, _) = GeneratorHarness.Run(compilation);

        Snapshot.Verify(GeneratorHarness.GeneratedSource(driver)!, "Polyfill");
        Assert.Empty(output.GetDiagnostics());
    }

    [Fact]
    public void Emits_nothing_without_tags()
    {
        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { "public class Plain { public void M() { } }" }));

        Assert.Null(GeneratorHarness.GeneratedSource(driver));
    }

    [Fact]
    public void Emits_nothing_without_the_library()
    {
        const string source = """
            namespace OtelProfiles.Tags { public sealed class ProfileTagAttribute : System.Attribute { public ProfileTagAttribute(string k, string v) { } } }
            [OtelProfiles.Tags.ProfileTag("a.b", "c")] public class Lookalike { }
            """;

        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, references: TestReferences.FrameworkOnly));

        Assert.Null(GeneratorHarness.GeneratedSource(driver));
    }

    [Fact]
    public void Emits_nothing_before_CSharp_9()
    {
        const string source = """
            using OtelProfiles.Tags;
            [ProfileTag("app.stage", "c8")]
            public class Old { }
            """;

        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, LanguageVersion.CSharp8));

        Assert.Null(GeneratorHarness.GeneratedSource(driver));
    }

    [Fact]
    public void Generated_code_compiles_as_CSharp_9()
    {
        var (driver, _, _) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { AllShapes }));
        var generated = GeneratorHarness.GeneratedSource(driver)!;

        // The generated file alone, parsed as C# 9, against the library: no errors.
        var compilation = GeneratorHarness.Compile(new[] { generated }, LanguageVersion.CSharp9);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Output_does_not_depend_on_file_order()
    {
        const string first = """
            using OtelProfiles.Tags;
            namespace B { [ProfileTag("a.b", "1")] public class Later { } }
            """;
        const string second = """
            using OtelProfiles.Tags;
            namespace A { [ProfileTag("a.b", "2")] public class Earlier { } }
            """;

        var forward = GeneratorHarness.GeneratedSource(GeneratorHarness.Run(GeneratorHarness.Compile(new[] { first, second })).Driver);
        var backward = GeneratorHarness.GeneratedSource(GeneratorHarness.Run(GeneratorHarness.Compile(new[] { second, first })).Driver);

        Assert.Equal(forward, backward);
    }
}
