using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>The soak's independent index check finds what it is there to find.</summary>
public class DictionaryIndexCheckTests
{
    [Fact]
    public void A_valid_request_has_no_problems()
    {
        Assert.Empty(DictionaryIndexCheck.Problems(KnownProfiles.Build().Build()));
    }

    [Fact]
    public void Indexes_past_their_tables_are_reported()
    {
        var request = KnownProfiles.Build().Build();
        var dictionary = request.Dictionary;
        dictionary.StackTable[1].LocationIndices[0] = dictionary.LocationTable.Count;
        dictionary.FunctionTable[1].NameStrindex = -1;
        request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0].LinkIndex = 7;

        var problems = DictionaryIndexCheck.Problems(request);

        Assert.Contains(problems, p => p.StartsWith("stack.location_indices", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("function.name_strindex = -1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("sample.link_index = 7", StringComparison.Ordinal));
    }
}
