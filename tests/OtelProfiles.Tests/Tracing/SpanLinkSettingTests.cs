using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Tracing;

/// <summary>OTEL_PROFILES_SPAN_LINKS and <see cref="OtlpProfilesOptions.SpanLinks"/>: parsed, warned and fallen back, or failed fast in code.</summary>
public sealed class SpanLinkSettingTests
{
    [Theory]
    [InlineData("all", ProfileSpanLinks.All)]
    [InlineData("recorded", ProfileSpanLinks.Recorded)]
    [InlineData("LOCAL_ROOT", ProfileSpanLinks.LocalRoot)]
    [InlineData(" none ", ProfileSpanLinks.None)]
    public void The_environment_variable_selects_the_spans(string raw, ProfileSpanLinks expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_SPAN_LINKS", raw)).SpanLinks);

    [Fact]
    public void All_spans_are_linked_by_default() => Assert.Equal(ProfileSpanLinks.All, new OtlpProfilesOptions().SpanLinks);

    [Fact]
    public void An_invalid_environment_value_warns_and_falls_back_to_all()
    {
        Assert.StartsWith(
            "OTEL_PROFILES_SPAN_LINKS='sampled' is not a span link choice; accepted: all, recorded, local_root, none",
            SingleWarning(("OTEL_PROFILES_SPAN_LINKS", "sampled")));
        Assert.Equal(ProfileSpanLinks.All, Read(("OTEL_PROFILES_SPAN_LINKS", "sampled")).SpanLinks);
    }

    [Fact]
    public void An_undefined_value_set_in_code_fails_validation()
    {
        var options = new OtlpProfilesOptions { SpanLinks = (ProfileSpanLinks)9 };
        string error = Assert.Single(OtelProfiles.Configuration.OtlpProfilesOptionsValidation.GetErrors(options));
        Assert.StartsWith("OtlpProfilesOptions.SpanLinks='9' is not a defined value; accepted: all, recorded, local_root, none", error);
    }
}
