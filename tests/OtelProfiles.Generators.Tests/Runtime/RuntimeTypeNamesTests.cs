using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.Runtime;

/// <summary>Runtime type names (as EventPipe prints them) map to reflection names of the definitions.</summary>
public sealed class RuntimeTypeNamesTests
{
    [Theory]
    [InlineData("Exp.Ns.Outer+Inner+Deeper", "Exp.Ns.Outer+Inner+Deeper")]
    [InlineData("Exp.Ns.Gen`1[System.Int32]", "Exp.Ns.Gen`1")]
    [InlineData("Exp.Ns.Gen`1+NestedInGen[System.__Canon]", "Exp.Ns.Gen`1+NestedInGen")]
    [InlineData("Exp.Ns.Gen`1+<GenAsync>d__3[System.__Canon]", "Exp.Ns.Gen`1+<GenAsync>d__3")]
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1[System.Int32,Exp.Ns.Gen`1+<GenAsync>d__3[System.Int32]]", "System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1")]
    [InlineData("Exp.Ns.Work+<>c__DisplayClass4_0+<<WithLambdas>g__LocalAsync|5>d", "Exp.Ns.Work+<>c__DisplayClass4_0+<<WithLambdas>g__LocalAsync|5>d")]
    [InlineData("Exp.Ns.Lams+<>c__7`1[System.Int32]", "Exp.Ns.Lams+<>c__7`1")]
    [InlineData("Broken]", "Broken]")]
    [InlineData("", "")]
    public void Strips_the_trailing_instantiation(string runtimeName, string expected)
    {
        Assert.Equal(expected, RuntimeTypeNames.StripInstantiation(runtimeName));
    }

    [Fact]
    public void Definition_names_match_stripped_runtime_names()
    {
        Assert.Equal("OtelProfiles.Generators.Tests.Samples.Generic`1+Nested", RuntimeTypeNames.DefinitionName(typeof(Samples.Generic<int>.Nested)));
        Assert.Equal("OtelProfiles.Generators.Tests.Samples.Generic`1", RuntimeTypeNames.DefinitionName(typeof(Samples.Generic<string>)));
    }
}
