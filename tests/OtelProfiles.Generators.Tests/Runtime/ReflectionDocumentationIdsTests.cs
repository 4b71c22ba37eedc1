using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OtelProfiles.Generators.Tests.Infrastructure;
using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Runtime;

/// <summary>
/// The documentation comment IDs the runtime computes by reflection equal the ones Roslyn gives the generator, for
/// every method of a sample that covers the signature shapes C# can produce.
/// </summary>
public sealed class ReflectionDocumentationIdsTests
{
    private const string Shapes = """
        using System;
        using System.Collections.Generic;

        namespace Ids
        {
            public interface IShape<T> { T Make(T seed); int Size { get; } }
            public interface IPlain { void Run(); }

            public unsafe class Outer<TOuter> : IShape<List<TOuter>>, IPlain
            {
                static Outer() { }
                public Outer() { }
                public Outer(TOuter value, ref int count, out long total, in decimal price) { total = 0; }
                ~Outer() { }

                public void Plain() { }
                public TOuter Echo(TOuter value) => value;
                public TMethod Generic<TMethod, TOther>(TMethod m, TOther[] others, List<TMethod> list, TOuter outer) => m;
                public void Arrays(int[] a, int[][] jagged, int[,] matrix, int[,,][] mixed, TOuter[] own) { }
                public void Pointers(int* p, void** pp, byte*[] array) { }
                public void Special(int? nullable, (int Id, string Name) tuple, dynamic d, nint n, nuint u, object o) { }
                public void Params(params string[] values) { }
                public void Defaults(int a = 1, string b = "x") { }
                public void SelfReference(Outer<TOuter> self, Outer<int> closed, Outer<TOuter>.Inner<string> nested) { }
                public void Nested(Dictionary<string, List<KeyValuePair<int, TOuter>>> deep) { }
                public ref int RefReturn(ref int x) => ref x;

                public int this[int index] { get => index; set { } }
                public string this[string key, TOuter extra] => key;
                public int Property { get; set; }
                public static int StaticProperty { get; }
                public event EventHandler? Happened;

                public static Outer<TOuter> operator +(Outer<TOuter> a, Outer<TOuter> b) => a;
                public static implicit operator int(Outer<TOuter> o) => 0;
                public static explicit operator Outer<TOuter>(string s) => new Outer<TOuter>();

                List<TOuter> IShape<List<TOuter>>.Make(List<TOuter> seed) => seed;
                int IShape<List<TOuter>>.Size => 0;
                void IPlain.Run() { Happened?.Invoke(this, EventArgs.Empty); }

                public class Inner<TInner>
                {
                    public void Both(TOuter outer, TInner inner) { }
                    public TM Method<TM>(TInner inner, TM m, TOuter outer) => m;

                    public class Deepest
                    {
                        public void All(TOuter a, TInner b) { }
                    }
                }
            }

            public struct Value
            {
                public Value(int x) { }
                public readonly int Read(scoped ref int x) => x;
                public override string ToString() => "";
            }

            public static class Extensions
            {
                public static void Extend(this string s, ref Value v) { }
            }
        }

        public class GlobalType { public void InGlobal() { } }
        """;

    [Fact]
    public void Reflection_ids_match_roslyn_ids_for_every_method()
    {
        var compilation = GeneratorHarness.Compile(new[] { Shapes })
            .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));

        var expected = RoslynMethodIds(compilation.Assembly.GlobalNamespace).Order(StringComparer.Ordinal).ToArray();

        var context = new AssemblyLoadContext("ids", isCollectible: true);
        try
        {
            stream.Position = 0;
            var assembly = context.LoadFromStream(stream);
            var actual = assembly.GetTypes()
                .Where(t => !t.Name.StartsWith('<') && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
                .SelectMany(TaggedFrameDiscovery.DeclaredMethods)
                .Where(m => !m.Name.StartsWith('<'))
                .Select(m => ReflectionDocumentationIds.For(m) ?? $"(null) {m.DeclaringType}::{m.Name}")
                .Order(StringComparer.Ordinal)
                .ToArray();

            Assert.Equal(expected, actual);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Type_ids_match_roslyn()
    {
        Assert.Equal("T:OtelProfiles.Generators.Tests.Samples.Generic`1.Nested", ReflectionDocumentationIds.ForType(typeof(Samples.Generic<>.Nested)));
        Assert.Equal("T:OtelProfiles.Generators.Tests.Samples.Plain", ReflectionDocumentationIds.ForType(typeof(Samples.Plain)));
    }

    private static IEnumerable<string> RoslynMethodIds(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            switch (member)
            {
                case INamespaceOrTypeSymbol nested:
                    foreach (var id in RoslynMethodIds(nested))
                    {
                        yield return id;
                    }

                    break;

                // A struct's implicit parameterless constructor exists for Roslyn but not in metadata.
                case IMethodSymbol { IsImplicitlyDeclared: true, MethodKind: MethodKind.Constructor, ContainingType.IsValueType: true }:
                    break;
                case IMethodSymbol method:
                    yield return method.GetDocumentationCommentId()!;
                    break;
            }
        }
    }
}
