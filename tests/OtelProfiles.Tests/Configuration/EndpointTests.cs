using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>
/// The endpoint rules of the OTLP exporter specification: the generic endpoint is a base URL to which OTLP/HTTP
/// appends the signal path; the per-signal endpoint and values set in code are used as is; gRPC never appends.
/// </summary>
public class EndpointTests
{
    private const string Http = "http/protobuf";

    [Fact]
    public void Grpc_default() =>
        Assert.Equal("http://localhost:4317/", Read().GetExportEndpoint().AbsoluteUri);

    [Fact]
    public void Http_default_includes_the_signal_path()
    {
        var options = Read(("OTEL_EXPORTER_OTLP_PROTOCOL", Http));

        Assert.Equal("http://localhost:4318/v1development/profiles", options.Endpoint.AbsoluteUri);
        Assert.Equal("http://localhost:4318/v1development/profiles", options.GetExportEndpoint().AbsoluteUri);
    }

    [Fact]
    public void Default_follows_a_protocol_changed_in_code()
    {
        var options = Read(o => o.Protocol = OtlpProfilesProtocol.HttpProtobuf);

        Assert.Equal("http://localhost:4318/v1development/profiles", options.GetExportEndpoint().AbsoluteUri);
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1development/profiles")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1development/profiles")]
    [InlineData("https://otlp.example.com/otlp", "https://otlp.example.com/otlp/v1development/profiles")]
    [InlineData("https://otlp.example.com/otlp/", "https://otlp.example.com/otlp/v1development/profiles")]
    public void Generic_endpoint_with_http_is_a_base_url(string raw, string expected)
    {
        var options = Read(("OTEL_EXPORTER_OTLP_PROTOCOL", Http), ("OTEL_EXPORTER_OTLP_ENDPOINT", raw));

        Assert.Equal(new Uri(raw), options.Endpoint);
        Assert.Equal(expected, options.GetExportEndpoint().AbsoluteUri);
    }

    [Theory]
    [InlineData("http://collector:4317")]
    [InlineData("http://collector:4317/")]
    public void Generic_endpoint_with_grpc_is_used_as_is(string raw) =>
        Assert.Equal(new Uri(raw), Read(("OTEL_EXPORTER_OTLP_ENDPOINT", raw)).GetExportEndpoint());

    [Theory]
    [InlineData("http://collector:4318/custom/path")]
    [InlineData("http://collector:4318/custom/path/")]
    [InlineData("http://collector:4318")]
    public void Per_signal_endpoint_is_used_as_is(string raw)
    {
        var options = Read(("OTEL_EXPORTER_OTLP_PROTOCOL", Http), ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", raw));

        Assert.Equal(new Uri(raw), options.GetExportEndpoint());
    }

    [Fact]
    public void Per_signal_endpoint_wins_over_the_generic_one()
    {
        var options = Read(
            ("OTEL_EXPORTER_OTLP_PROTOCOL", Http),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
            ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http://signal:4318/p"));

        Assert.Equal("http://signal:4318/p", options.GetExportEndpoint().AbsoluteUri);
    }

    [Fact]
    public void Endpoint_set_in_code_is_used_as_is_even_over_a_generic_base()
    {
        var options = Read(
            o => o.Endpoint = new Uri("http://code:4318/exact"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", Http),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"));

        Assert.Equal("http://code:4318/exact", options.GetExportEndpoint().AbsoluteUri);
    }

    [Fact]
    public void Endpoint_from_the_section_is_used_as_is()
    {
        var options = Read(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
            ("OpenTelemetry:Profiles:Protocol", "HttpProtobuf"),
            ("OpenTelemetry:Profiles:Endpoint", "http://section:4318/v1development/profiles"));

        Assert.Equal("http://section:4318/v1development/profiles", options.GetExportEndpoint().AbsoluteUri);
    }

    [Fact]
    public void Generic_base_with_a_query_keeps_it_after_the_path() =>
        Assert.Equal(
            "http://collector:4318/v1development/profiles?tenant=a",
            Read(("OTEL_EXPORTER_OTLP_PROTOCOL", Http), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318?tenant=a"))
                .GetExportEndpoint().AbsoluteUri);
}
