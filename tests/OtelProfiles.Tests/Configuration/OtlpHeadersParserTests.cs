using OtelProfiles.Configuration;

namespace OtelProfiles.Tests.Configuration;

public class OtlpHeadersParserTests
{
    [Fact]
    public void Parses_trims_and_url_decodes()
    {
        var errors = new List<string>();

        var headers = OtlpHeadersParser.Parse("S", " a = 1 , b=x%2Cy%3Dz ,, c=Basic YQ== ,", errors);

        Assert.Empty(errors);
        Assert.Equal(3, headers.Count);
        Assert.Equal("1", headers["a"]);
        Assert.Equal("x,y=z", headers["b"]);
        Assert.Equal("Basic YQ==", headers["c"]);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_the_last_one_wins()
    {
        var headers = OtlpHeadersParser.Parse("S", "Key=1,key=2", []);

        Assert.Equal("2", Assert.Single(headers).Value);
    }

    [Fact]
    public void Empty_value_is_allowed() =>
        Assert.Equal(string.Empty, OtlpHeadersParser.Parse("S", "x-empty=", [])["x-empty"]);

    [Fact]
    public void Bad_entries_are_left_out_and_reported_by_position()
    {
        var errors = new List<string>();

        var headers = OtlpHeadersParser.Parse("S", "a=1,oops,=2,b=3", errors);

        Assert.Equal(["a", "b"], headers.Keys.Order());
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("S: entry 2 of 4 has no '='", errors[0]);
        Assert.StartsWith("S: entry 3 of 4 has an empty key", errors[1]);
        Assert.DoesNotContain("oops", errors[0]);
    }
}
