using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Decoding;

/// <summary>
/// The strict rules (<see cref="ValidationRules.Strict"/>) the tests hold the library's exports to: each finds what
/// it is there to find, and none of them changes what the receiver accepts.
/// </summary>
public class StrictValidationTests
{
    [Fact]
    public void A_well_formed_request_passes_the_strict_rules()
    {
        Assert.Empty(OtlpRequestValidator.Validate(WellFormed(), ValidationRules.Strict));
    }

    [Theory]
    [InlineData("missing mapping zero entry", "dictionary.mapping_table is empty")]
    [InlineData("repeated string", "dictionary.string_table[")]
    [InlineData("repeated function", "dictionary.function_table[")]
    [InlineData("repeated stack", "dictionary.stack_table[")]
    [InlineData("repeated attribute", "dictionary.attribute_table[")]
    [InlineData("location without lines", "has no lines")]
    [InlineData("line without function", ".lines[0].function_index is 0")]
    [InlineData("stack without locations", "has no locations")]
    [InlineData("stack location 0", "].location_indices[0] is 0")]
    [InlineData("attribute without key", "key_strindex is 0")]
    [InlineData("sample without stack", "samples[0].stack_index is 0")]
    [InlineData("sample with two values", "samples[0] has 2 values; it must have exactly one")]
    [InlineData("sample with zero value", "samples[0] has the value 0; values must be positive")]
    [InlineData("sample attribute 0", "samples[0].attribute_indices[0] is 0")]
    [InlineData("repeated sample", "repeats samples[0] (same stack, attributes and link")]
    [InlineData("no period", "period is 0; it must be positive")]
    [InlineData("no time range", "covers no time range")]
    [InlineData("no profile id", "profile_id must be 16 bytes, not all zero")]
    [InlineData("zero profile id", "profile_id must be 16 bytes, not all zero")]
    [InlineData("no sample type", "sample_type is missing")]
    [InlineData("no period type", "period_type is missing")]
    public void A_broken_rule_is_named_and_the_receiver_still_accepts_the_request(string breakage, string expected)
    {
        var request = WellFormed();
        Break(request, breakage);

        var problems = OtlpRequestValidator.Validate(request, ValidationRules.Strict);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(OtlpRequestValidator.Validate(request));
        Assert.NotNull(OtlpPayload.TryParse(request.ToByteArray(), out _));
    }

    [Fact]
    public void Strict_problems_are_capped_like_the_receivers()
    {
        var request = WellFormed();
        foreach (var sample in request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples)
        {
            sample.Values[0] = 0;
        }

        Assert.Equal(3, OtlpRequestValidator.Validate(request, ValidationRules.Strict).Count);
    }

    /// <summary>The tool tests' known profiles with what the strict rules ask on top: a profile id.</summary>
    private static ExportProfilesServiceRequest WellFormed()
    {
        var request = KnownProfiles.Build().Build();
        var id = 1;
        foreach (var profile in request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles))
        {
            var bytes = new byte[16];
            bytes[15] = (byte)id++;
            profile.ProfileId = ByteString.CopyFrom(bytes);
        }

        return request;
    }

    private static void Break(ExportProfilesServiceRequest request, string breakage)
    {
        var d = request.Dictionary;
        var profile = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        var sample = profile.Samples[0];
        switch (breakage)
        {
            case "missing mapping zero entry": d.MappingTable.Clear(); break;
            case "repeated string": d.StringTable.Add(d.StringTable[1]); break;
            case "repeated function": d.FunctionTable.Add(d.FunctionTable[1].Clone()); break;
            case "repeated stack": d.StackTable.Add(d.StackTable[1].Clone()); break;
            case "repeated attribute": d.AttributeTable.Add(d.AttributeTable[1].Clone()); break;
            case "location without lines": d.LocationTable.Add(new Location { Address = 0x1000 }); break;
            case "line without function": d.LocationTable[1].Lines[0].FunctionIndex = 0; break;
            case "stack without locations": d.StackTable.Add(new Stack()); break;
            case "stack location 0": d.StackTable[1].LocationIndices[0] = 0; break;
            case "attribute without key": d.AttributeTable[1].KeyStrindex = 0; break;
            case "sample without stack": sample.StackIndex = 0; break;
            case "sample with two values": sample.Values.Add(1); break;
            case "sample with zero value": sample.Values[0] = 0; break;
            case "sample attribute 0": sample.AttributeIndices.Insert(0, 0); break;
            case "repeated sample": profile.Samples.Add(sample.Clone()); break;
            case "no period": profile.Period = 0; break;
            case "no time range": profile.DurationNano = 0; break;
            case "no profile id": profile.ProfileId = ByteString.Empty; break;
            case "zero profile id": profile.ProfileId = ByteString.CopyFrom(new byte[16]); break;
            case "no sample type": profile.SampleType = null; break;
            case "no period type": profile.PeriodType = null; break;
            default: throw new ArgumentException(breakage, nameof(breakage));
        }
    }
}
