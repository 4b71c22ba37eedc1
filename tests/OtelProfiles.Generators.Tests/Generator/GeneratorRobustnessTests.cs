using System.Collections.Immutable;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OtelProfiles.Generators.Analyzers;
using OtelProfiles.Generators.Tests.Infrastructure;

namespace OtelProfiles.Generators.Tests.Generator;

/// <summary>
/// Property-based: random and malformed <c>[ProfileTag]</c> usages (missing or extra arguments, wrong types, nulls,
/// non-constants, unterminated strings, odd targets, truncated files) never make the generator throw, and each one
/// either gets registered or is reported by the compiler or the OTP analyzers.
/// </summary>
public sealed class GeneratorRobustnessTests
{
    private static readonly Gen<string> Argument = Gen.OneOf(
        Gen.OneOf(
            "\"shop.stage\"", "\"Shop Stage\"", "\"otel.x\"", "\"\"", "\"  \"", "null", "null!", "(string)null!", "default",
            "1", "true", "1.5", "'c'", "typeof(int)", "nameof(Target)", "Field", "Constant", "\"a\" + \"b\"", "$\"x{1}\"",
            "\"unterminated", "new string('a', 2)", "\"\\u0000\"", "@\"verbatim\"", "\"a\" \"b\""),
        Gen.Char["abcXYZ019._ \"(),\\"].Array[0, 12].Select(chars => new string(chars)));

    private static readonly Gen<string> ArgumentList = Gen.OneOf(
        Gen.Select(Argument, Argument, (k, v) => $"({k}, {v})"),
        Gen.Select(Argument, Argument, (k, v) => $"(value: {v}, key: {k})"),
        Gen.Select(Argument, Argument, (k, v) => $"(key: {k}, {v})"),
        Gen.Select(Argument, Argument, (k, v) => $"({k} {v})"),
        Gen.Select(Argument, Argument, Argument, (k, v, x) => $"({k}, {v}, {x})"),
        Argument.Select(k => $"({k})"),
        Argument.Select(k => $"({k}, Key = {k})"),
        Gen.OneOf("", "()", "(", "(,)", "(\"a.b\",)"));

    private static readonly Gen<string> AttributeName = Gen.OneOf(
        "ProfileTag", "ProfileTagAttribute", "OtelProfiles.Tags.ProfileTag", "global::OtelProfiles.Tags.ProfileTagAttribute", "return: ProfileTag", "ProfileTag<int>");

    private static readonly Gen<string> Target = Gen.OneOf(
        "public void M() { }",
        "public int Small() => 1;",
        "public Target() { }",
        "static Target() { }",
        "public int P { get; set; }",
        "public int this[int i] => i;",
        "public int Q { get { return 1; } }",
        "public async System.Threading.Tasks.Task RunAsync() { await System.Threading.Tasks.Task.Yield(); }",
        "public System.Collections.Generic.IEnumerable<int> Items() { yield return 1; }",
        "public T G<T>(T t) => t;",
        "public abstract void Abstract();",
        "public partial void Part();",
        "public int Field;",
        "public event System.Action? Happened;",
        "public delegate void D();",
        "public class Nested { }",
        "public interface INested { }",
        "public enum E { A }",
        "public void WithLocal() { int Local() => 1; Local(); }",
        "void System.IDisposable.Dispose() { }",
        "public static int operator +(Target a, Target b) => 0;",
        "~Target() { }");

    private static readonly Gen<string> Source = Gen.Select(AttributeName, ArgumentList, Target, Gen.Int[0, 4], Gen.Double[0, 1])
        .Select((name, args, target, placement, cut) =>
        {
            var attribute = $"[{name}{args}]";
            var body = placement switch
            {
                0 => $"public abstract partial class Target : System.IDisposable\n{{\n    private const string Constant = \"c.d\";\n    private static string Field = \"x\";\n    {attribute}\n    {target}\n    public partial void Part() {{ }}\n}}",
                1 => $"{attribute}\npublic class Target {{ {target} }}",
                2 => $"public class Target {{ public void Host() {{ {attribute} int Local() => 1; System.Func<int> f = {attribute} () => 2; }} }}",
                3 => $"[assembly: {name}{args}]\npublic struct Target {{ }}",
                _ => $"{attribute}\npublic record Target(int X) {{ {target} }}",
            };
            var text = "using OtelProfiles.Tags;\n" + body;

            // Sometimes cut the file short, as while typing.
            return cut < 0.15 ? text.Substring(0, (int)(text.Length * cut / 0.15)) : text;
        });

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new BodylessTaggedMemberAnalyzer(),
        new InliningAnalyzer(),
        new TagArgumentsAnalyzer(),
        new DuplicateTagKeyAnalyzer(),
        new ConflictingOverloadTagsAnalyzer(),
        new TagCardinalityAnalyzer(),
        new UnsupportedTagTargetAnalyzer(),
        new LanguageVersionAnalyzer());

    [Fact]
    public void Random_usages_never_crash_the_generator_and_are_registered_or_reported()
    {
        Source.Sample(
            source =>
            {
                var compilation = GeneratorHarness.Compile(new[] { source });
                var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
                var result = driver.GetRunResult().Results.Single();

                // CS8784/CS8785: the generator threw during initialization or generation.
                Assert.Null(result.Exception);
                Assert.DoesNotContain(generatorDiagnostics, d => d.Id is "CS8784" or "CS8785");

                if (!source.Contains("ProfileTag", StringComparison.Ordinal))
                {
                    return; // Cut before the attribute: nothing to register or report.
                }

                var registered = result.GeneratedSources.Length > 0;
                var reported = output
                    .WithAnalyzers(Analyzers)
                    .GetAllDiagnosticsAsync().GetAwaiter().GetResult()
                    .Any(d => d.Severity >= DiagnosticSeverity.Warning);
                Assert.True(registered || reported, "neither registered nor reported:\n" + source);
            },
            iter: 300,
            print: source => source);
    }

    [Theory]
    [InlineData("[ProfileTag(")]
    [InlineData("[ProfileTag(\"a.b\", \"c\")] public class")]
    [InlineData("public class C { [ProfileTag(\"a.b\", \"c\")] public void M( }")]
    [InlineData("public class C { [ProfileTag(null, null)] public void M() { } }")]
    [InlineData("[ProfileTag(\"a.b\", \"c\")] public class C<T> where T : { }")]
    [InlineData("[ProfileTag(\"a.b\", \"c\")] public class C : C { }")]
    [InlineData("public class C { [ProfileTag(\"a.b\", \"c\")] public void M(Missing m) { } }")]
    public void Broken_code_does_not_crash_the_generator(string body)
    {
        var compilation = GeneratorHarness.Compile(new[] { "using OtelProfiles.Tags;\n" + body });
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        Assert.Null(driver.GetRunResult().Results.Single().Exception);
    }
}
