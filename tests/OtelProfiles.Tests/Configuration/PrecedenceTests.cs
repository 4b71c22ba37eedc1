using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>defaults → OTEL_* settings → the OpenTelemetry:Profiles section → code; OTEL_SDK_DISABLED above all.</summary>
public class PrecedenceTests
{
    [Fact]
    public void Each_source_overrides_the_previous_one()
    {
        // Three properties, each last set by a different source.
        var options = Read(
            o => o.SamplingFrequencyHz = 25,
            ("OTEL_PROFILES_SAMPLING_FREQUENCY", "50"),
            ("OTEL_PROFILES_EXPORT_INTERVAL", "20000"),
            ("OTEL_PROFILES_MAX_QUEUE_SIZE", "4"),
            ("OpenTelemetry:Profiles:SamplingFrequencyHz", "75"),
            ("OpenTelemetry:Profiles:ExportInterval", "00:00:30"));

        Assert.Equal(25, options.SamplingFrequencyHz);                          // code over section over env
        Assert.Equal(TimeSpan.FromSeconds(30), options.ExportInterval);         // section over env
        Assert.Equal(4, options.MaxQueueSize);                                  // env over default
        Assert.Equal(TimeSpan.FromSeconds(1), options.SamplerPeriod);           // default
    }

    [Fact]
    public void Section_binds_every_property_with_the_standard_binder()
    {
        var options = Read(
            ("OpenTelemetry:Profiles:Enabled", "true"),
            ("OpenTelemetry:Profiles:Protocol", "HttpProtobuf"),
            ("OpenTelemetry:Profiles:Endpoint", "http://section:4318/v1development/profiles"),
            ("OpenTelemetry:Profiles:Headers:x-api-key", "k"),
            ("OpenTelemetry:Profiles:Timeout", "00:00:03"),
            ("OpenTelemetry:Profiles:Compression", "None"),
            ("OpenTelemetry:Profiles:ProfileTypes", "Cpu"),
            ("OpenTelemetry:Profiles:SamplingFrequencyHz", "10"),
            ("OpenTelemetry:Profiles:SamplerPeriod", "00:00:00.500"),
            ("OpenTelemetry:Profiles:ExportInterval", "00:01:00"),
            ("OpenTelemetry:Profiles:Exporters", "Otlp, File"),
            ("OpenTelemetry:Profiles:FileDirectory", "out"),
            ("OpenTelemetry:Profiles:MaxQueueSize", "2"),
            ("OpenTelemetry:Profiles:ShutdownTimeout", "00:00:01"));

        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal("http://section:4318/v1development/profiles", options.GetExportEndpoint().AbsoluteUri);
        Assert.Equal("k", options.Headers["x-api-key"]);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal(OtlpProfilesCompression.None, options.Compression);
        Assert.Equal(ProfileTypes.Cpu, options.ProfileTypes);
        Assert.Equal(10, options.SamplingFrequencyHz);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.SamplerPeriod);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ExportInterval);
        Assert.Equal(ProfileExporters.Otlp | ProfileExporters.File, options.Exporters);
        Assert.Equal("out", options.FileDirectory);
        Assert.Equal(2, options.MaxQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ShutdownTimeout);
    }

    [Fact]
    public void Section_headers_add_to_those_from_the_environment()
    {
        var options = Read(
            ("OTEL_EXPORTER_OTLP_HEADERS", "a=1"),
            ("OpenTelemetry:Profiles:Headers:b", "2"));

        Assert.Equal("1", options.Headers["a"]);
        Assert.Equal("2", options.Headers["b"]);
    }

    [Fact]
    public void Code_overrides_section_for_enabled() =>
        Assert.True(Read(o => o.Enabled = true, ("OpenTelemetry:Profiles:Enabled", "false")).Enabled);

    [Fact]
    public void OTEL_SDK_DISABLED_wins_even_over_code()
    {
        var options = Read(o => o.Enabled = true, ("OTEL_SDK_DISABLED", "true"), ("OTEL_PROFILES_ENABLED", "true"));

        Assert.False(options.Enabled);
        Assert.Equal(("OTEL_SDK_DISABLED", "true"), options.Sources.Find(nameof(options.Enabled)));
    }

    [Fact]
    public void A_bad_environment_value_replaced_by_code_is_only_a_warning()
    {
        var options = Read(o => o.Protocol = OtlpProfilesProtocol.Grpc, ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"));

        Assert.Contains(options.Sources.Warnings, w => w.Contains("OTEL_EXPORTER_OTLP_PROTOCOL='http/json'") && w.Contains("ignored"));
    }

    [Fact]
    public void A_bad_environment_value_replaced_by_the_section_is_only_a_warning()
    {
        var options = Read(("OTEL_PROFILES_EXPORT_INTERVAL", "15s"), ("OpenTelemetry:Profiles:ExportInterval", "00:00:20"));

        Assert.Equal(TimeSpan.FromSeconds(20), options.ExportInterval);
        Assert.Single(options.Sources.Warnings);
    }

    [Fact]
    public void A_bad_value_not_replaced_is_a_warning_and_the_default_applies()
    {
        var options = Read(("OTEL_PROFILES_EXPORT_INTERVAL", "15s"), ("OTEL_PROFILES_SAMPLING_FREQUENCY", "0"));

        Assert.Equal(TimeSpan.FromSeconds(15), options.ExportInterval);
        Assert.Equal(100, options.SamplingFrequencyHz);
        Assert.Equal(2, options.Sources.Warnings.Count);
        Assert.Contains(options.Sources.Warnings, w => w.StartsWith("OTEL_PROFILES_EXPORT_INTERVAL='15s' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(options.Sources.Warnings, w => w.StartsWith("OTEL_PROFILES_SAMPLING_FREQUENCY='0' is out of range", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_value_set_in_code_fails_at_startup() =>
        Assert.StartsWith(
            "OtlpProfilesOptions.SamplingFrequencyHz='0' is out of range",
            SingleError(o => o.SamplingFrequencyHz = 0));

    [Fact]
    public void A_configured_value_that_code_changes_to_a_bad_one_fails_naming_the_property()
    {
        var errors = Errors(o => o.MaxQueueSize -= 3, ("OTEL_PROFILES_MAX_QUEUE_SIZE", "3"));

        Assert.Equal(["OtlpProfilesOptions.MaxQueueSize='0' is out of range; accepted: 1 to 1000"], errors);
    }

    [Fact]
    public void Disabled_profiling_is_not_stopped_by_bad_values()
    {
        var options = Read(o => o.ExportInterval = TimeSpan.FromSeconds(-1), ("OTEL_PROFILES_ENABLED", "false"));

        Assert.False(options.Enabled);
        options.Validate();
    }
}
