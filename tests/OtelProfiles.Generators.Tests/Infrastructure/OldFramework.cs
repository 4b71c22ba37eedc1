using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace OtelProfiles.Generators.Tests.Infrastructure;

/// <summary>
/// A tiny stand-in for a framework without <c>ModuleInitializerAttribute</c> (netstandard2.0, .NET Framework), plus a
/// stand-in OtelProfiles library compiled against it, so that the generator's polyfill path can be compiled for real.
/// </summary>
internal static class OldFramework
{
    private const string CoreLibrary = """
        namespace System
        {
            public class Object { }
            public abstract class ValueType { }
            public abstract class Enum : ValueType { }
            public sealed class String { }
            public struct Void { }
            public struct Boolean { }
            public struct Char { }
            public struct Byte { }
            public struct Int16 { }
            public struct Int32 { }
            public struct Int64 { }
            public struct IntPtr { }
            public struct RuntimeTypeHandle { }
            public abstract class Array { }
            public class Exception { }
            public class Attribute { }
            public abstract class Type
            {
                public abstract System.Reflection.Assembly Assembly { get; }
                public static Type GetTypeFromHandle(RuntimeTypeHandle handle) { return null; }
            }
            public enum AttributeTargets { Class = 4, Struct = 8, Constructor = 32, Method = 64, Property = 128, All = 32767 }
            [AttributeUsage(AttributeTargets.Class, Inherited = true)]
            public sealed class AttributeUsageAttribute : Attribute
            {
                public AttributeUsageAttribute(AttributeTargets validOn) { }
                public bool AllowMultiple { get { return false; } set { } }
                public bool Inherited { get { return false; } set { } }
            }
        }
        namespace System.Reflection { public abstract class Assembly { } }
        namespace System.CodeDom.Compiler
        {
            public sealed class GeneratedCodeAttribute : System.Attribute { public GeneratedCodeAttribute(string tool, string version) { } }
        }
        namespace System.ComponentModel
        {
            public enum EditorBrowsableState { Always, Never, Advanced }
            public sealed class EditorBrowsableAttribute : System.Attribute { public EditorBrowsableAttribute(EditorBrowsableState state) { } }
        }
        """;

    private const string Library = """
        namespace OtelProfiles.Tags
        {
            [System.AttributeUsage(System.AttributeTargets.All, AllowMultiple = true)]
            public sealed class ProfileTagAttribute : System.Attribute { public ProfileTagAttribute(string key, string value) { } }
            public sealed class ProfileTagTarget { public ProfileTagTarget(string typeName, string memberId, string[] tags) { } }
            public static class ProfileTagRegistry { public static void Register(System.Reflection.Assembly assembly, ProfileTagTarget[] targets) { } }
        }
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var core = Emit("mscorlib", CoreLibrary, ImmutableArray<MetadataReference>.Empty);
        var library = Emit("OtelProfiles", Library, ImmutableArray.Create(core));
        return ImmutableArray.Create(core, library);
    });

    /// <summary>The stand-in core library and OtelProfiles library.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    private static MetadataReference Emit(string name, string source, ImmutableArray<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
