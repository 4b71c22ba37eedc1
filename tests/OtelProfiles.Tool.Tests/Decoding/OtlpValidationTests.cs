using Google.Protobuf;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Decoding;

public class OtlpValidationTests
{
    [Fact]
    public void Valid_request_passes()
    {
        Assert.NotNull(OtlpPayload.TryParse(KnownProfiles.Build().BuildBytes(), out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Out_of_range_stack_index_is_named_precisely()
    {
        var request = KnownProfiles.Build().Build();
        request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[1].StackIndex = 999;
        Assert.Null(OtlpPayload.TryParse(request.ToByteArray(), out var error));
        Assert.Contains("resource_profiles[0].scope_profiles[0].profiles[0].samples[1].stack_index = 999 is out of range", error);
    }

    [Fact]
    public void Index_zero_must_be_the_zero_value()
    {
        var request = KnownProfiles.Build().Build();
        request.Dictionary.FunctionTable[0] = new Function { NameStrindex = 1 };
        Assert.Null(OtlpPayload.TryParse(request.ToByteArray(), out var error));
        Assert.Contains("function_table[0] must be the zero value", error);

        request = KnownProfiles.Build().Build();
        request.Dictionary.StringTable[0] = "oops";
        Assert.Null(OtlpPayload.TryParse(request.ToByteArray(), out error));
        Assert.Contains("string_table[0] must be the empty string", error);
    }

    [Fact]
    public void Samples_without_dictionary_are_rejected()
    {
        var request = KnownProfiles.Build().Build();
        request.Dictionary = null;
        Assert.Null(OtlpPayload.TryParse(request.ToByteArray(), out var error));
        Assert.Contains("string_table is empty", error);
    }

    [Fact]
    public void Pre_v1_10_sample_layout_is_detected_as_another_protocol_version()
    {
        var bytes = LegacyPayloads.PreV110SampleLayout();
        Assert.Null(OtlpPayload.TryParse(bytes, out var error));
        Assert.Contains("samples.link_index (field 3) arrived with wire type LengthDelimited", error);
        Assert.Contains("another version of the OTLP profiles protocol", error);
    }

    [Fact]
    public void Garbage_and_truncated_payloads_are_rejected()
    {
        Assert.Null(OtlpPayload.TryParse([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], out var error));
        Assert.NotNull(error);
        var valid = KnownProfiles.Build().BuildBytes();
        Assert.Null(OtlpPayload.TryParse(valid.AsSpan(0, valid.Length - 7), out error));
        Assert.Contains("not a valid", error);
    }
}

/// <summary>Payloads of older OTLP profiles layouts, encoded at the wire level.</summary>
internal static class LegacyPayloads
{
    /// <summary>
    /// A v1.9-style Sample (locations_start_index = 1, locations_length = 2, value = 3 packed, attribute_indices = 4)
    /// inside an otherwise current request: field 3 arrives length-delimited where v1.11 has the int32 link_index.
    /// </summary>
    public static byte[] PreV110SampleLayout()
    {
        var request = KnownProfiles.Build().Build();
        var profile = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        profile.Samples.Clear();
        var sample = new MemoryStream();
        var s = new CodedOutputStream(sample);
        s.WriteTag(1, WireFormat.WireType.Varint); s.WriteInt32(0);   // locations_start_index
        s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt32(3);   // locations_length
        s.WriteTag(3, WireFormat.WireType.LengthDelimited);            // value (packed int64)
        s.WriteLength(1); s.WriteInt64(5);
        s.Flush();

        // Profile.samples is field 2; append the legacy sample bytes to the serialized profile.
        var profileBytes = new MemoryStream();
        var p = new CodedOutputStream(profileBytes);
        profile.WriteTo(p);
        p.WriteTag(2, WireFormat.WireType.LengthDelimited);
        p.WriteBytes(ByteString.CopyFrom(sample.ToArray()));
        p.Flush();

        var scope = request.ResourceProfiles[0].ScopeProfiles[0];
        scope.Profiles.Clear();
        var scopeBytes = new MemoryStream();
        var sc = new CodedOutputStream(scopeBytes);
        scope.WriteTo(sc);
        sc.WriteTag(2, WireFormat.WireType.LengthDelimited); // ScopeProfiles.profiles
        sc.WriteBytes(ByteString.CopyFrom(profileBytes.ToArray()));
        sc.Flush();

        var resource = request.ResourceProfiles[0];
        resource.ScopeProfiles.Clear();
        var resourceBytes = new MemoryStream();
        var r = new CodedOutputStream(resourceBytes);
        resource.WriteTo(r);
        r.WriteTag(2, WireFormat.WireType.LengthDelimited); // ResourceProfiles.scope_profiles
        r.WriteBytes(ByteString.CopyFrom(scopeBytes.ToArray()));
        r.Flush();

        request.ResourceProfiles.Clear();
        var output = new MemoryStream();
        var o = new CodedOutputStream(output);
        request.WriteTo(o);
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); // ExportProfilesServiceRequest.resource_profiles
        o.WriteBytes(ByteString.CopyFrom(resourceBytes.ToArray()));
        o.Flush();
        return output.ToArray();
    }
}
