using OtelProfiles.Generators.Tests.Samples;
using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Runtime;

/// <summary>
/// The resolver over this assembly's own registration (emitted by the generator at build time), asked about the
/// frames the runtime really executed, as reported by <see cref="Probe"/>.
/// </summary>
public sealed class ResolverTests
{
    [Fact]
    public async Task Every_probed_frame_resolves_to_its_expected_tag()
    {
        await Plain.RunAllAsync();
        var resolver = ProfileTagResolver.CreateFromRegistry();

        var hits = Probe.Hits;
        Assert.NotEmpty(hits);
        foreach (var hit in hits)
        {
            var tags = resolver.TagsFor((ulong)hit.Method.MethodHandle.Value, hit.Method.DeclaringType!.ToString(), hit.Method.Name);
            Assert.True(
                hit.ExpectedKind == KindOf(tags),
                $"{hit.Method.DeclaringType}::{hit.Method.Name}: expected {hit.ExpectedKind ?? "(none)"}, got {KindOf(tags) ?? "(none)"}");
        }

        Assert.DoesNotContain(resolver.Unresolved, u => u.StartsWith(typeof(Probe).Assembly.GetName().Name!, StringComparison.Ordinal));
    }

    [Fact]
    public void This_assembly_registered_through_its_generated_module_initializer()
    {
        var batch = ProfileTagRegistry.Batches.SingleOrDefault(b => b.Assembly == typeof(Probe).Assembly);

        Assert.NotNull(batch);
        Assert.Contains(batch.Targets, t => t.TypeName == typeof(Plain).FullName && t.MemberId == "M:OtelProfiles.Generators.Tests.Samples.Plain.Overload(System.Int32)");
        Assert.Contains(batch.Targets, t => t.TypeName == "OtelProfiles.Generators.Tests.Samples.Outer+Hidden");
    }

    [Fact]
    public void Type_level_tags_cover_the_types_methods_and_method_tags_win()
    {
        var resolver = ProfileTagResolver.CreateFromRegistry();
        var inherits = typeof(TypeLevel).GetMethod(nameof(TypeLevel.Inherits))!;
        var overrides = typeof(TypeLevel).GetMethod(nameof(TypeLevel.Overrides))!;

        var inherited = resolver.TagsFor((ulong)inherits.MethodHandle.Value, typeof(TypeLevel).FullName!, inherits.Name);
        var own = resolver.TagsFor((ulong)overrides.MethodHandle.Value, typeof(TypeLevel).FullName!, overrides.Name);

        Assert.Equal(new[] { Pair("sample.kind", "type.level"), Pair("sample.scope", "type") }, inherited);
        Assert.Equal(new[] { Pair("sample.kind", "method.beats.type"), Pair("sample.scope", "type") }, own);
    }

    [Fact]
    public void Shared_generic_code_resolves_by_runtime_name()
    {
        var resolver = ProfileTagResolver.CreateFromRegistry();

        // Ids the runtime uses for instantiations are not reflection handles: only the name can match.
        Assert.Equal("generic.type", KindOf(resolver.TagsFor(1, "OtelProfiles.Generators.Tests.Samples.Generic`1[System.__Canon]", "Get")));
        Assert.Equal("generic.nested", KindOf(resolver.TagsFor(2, "OtelProfiles.Generators.Tests.Samples.Generic`1+Nested[System.Int32]", "Deep")));
        Assert.Equal("generic.method", KindOf(resolver.TagsFor(3, "OtelProfiles.Generators.Tests.Samples.Plain", "Echo")));
        Assert.Null(resolver.TagsFor(4, "OtelProfiles.Generators.Tests.Samples.Generic`1[System.__Canon]", "GetHashCode"));
        Assert.Null(resolver.TagsFor(5, "Some.Other.Type", "Get"));
    }

    [Fact]
    public void Untagged_overload_is_not_tagged_by_name()
    {
        var resolver = ProfileTagResolver.CreateFromRegistry();
        var untagged = typeof(Plain).GetMethod(nameof(Plain.Overload), new[] { typeof(string) })!;
        var tagged = typeof(Plain).GetMethod(nameof(Plain.Overload), new[] { typeof(int) })!;

        Assert.Null(resolver.TagsFor((ulong)untagged.MethodHandle.Value, typeof(Plain).FullName!, untagged.Name));
        Assert.Equal("sync", KindOf(resolver.TagsFor((ulong)tagged.MethodHandle.Value, typeof(Plain).FullName!, tagged.Name)));
    }

    [Fact]
    public void Version_grows_when_another_assembly_registers()
    {
        var batches = new List<ProfileTagBatch>();
        var resolver = ProfileTagResolver.Create(() => batches.ToArray());
        var before = resolver.Version;
        var method = typeof(Outer).GetMethod(nameof(Outer.RunHidden))!;
        Assert.Null(resolver.TagsFor((ulong)method.MethodHandle.Value, typeof(Outer).FullName!, method.Name));

        batches.Add(new ProfileTagBatch(typeof(Outer).Assembly, new[]
        {
            new ProfileTagTarget(typeof(Outer).FullName!, "M:OtelProfiles.Generators.Tests.Samples.Outer.RunHidden", new[] { "late.key", "late" }),
            new ProfileTagTarget("No.Such.Type", "M:No.Such.Type.M", new[] { "k", "v" }),
        }));

        Assert.Equal(new[] { Pair("late.key", "late") }, resolver.TagsFor((ulong)method.MethodHandle.Value, typeof(Outer).FullName!, method.Name));
        Assert.Equal(before + 1, resolver.Version);
        Assert.Contains(resolver.Unresolved, u => u.Contains("No.Such.Type", StringComparison.Ordinal));
    }

    internal static string? KindOf(IReadOnlyList<KeyValuePair<string, string>>? tags) =>
        tags?.FirstOrDefault(t => t.Key == "sample.kind").Value;

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
