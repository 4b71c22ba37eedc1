using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>Every OTEL_* setting, its per-signal form, and the defaults when none is set.</summary>
public class OtelSettingsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = Read();

        Assert.True(options.Enabled);
        Assert.Equal(OtlpProfilesProtocol.Grpc, options.Protocol);
        Assert.Equal(new Uri("http://localhost:4317"), options.Endpoint);
        Assert.Equal(new Uri("http://localhost:4317"), options.GetExportEndpoint());
        Assert.Empty(options.Headers);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(OtlpProfilesCompression.Gzip, options.Compression);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall, options.ProfileTypes);
        Assert.Equal(100, options.SamplingFrequencyHz);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SamplerPeriod);
        Assert.Equal(1.0, options.SamplingOverheadPercent);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ExportInterval);
        Assert.Equal(ProfileExporters.Otlp, options.Exporters);
        Assert.Null(options.FileDirectory);
        Assert.Equal(Path.GetFullPath("profiles"), options.ResolveFileDirectory());
        Assert.Equal(8, options.MaxQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownTimeout);
        options.Validate();
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("true", true)]
    [InlineData(" True ", true)]
    public void OTEL_PROFILES_ENABLED(string raw, bool expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_ENABLED", raw)).Enabled);

    [Theory]
    [InlineData("true", false)]
    [InlineData("TRUE", false)]
    [InlineData("false", true)]
    [InlineData("", true)]
    public void OTEL_SDK_DISABLED(string raw, bool expectedEnabled) =>
        Assert.Equal(expectedEnabled, Read(("OTEL_SDK_DISABLED", raw)).Enabled);

    [Fact]
    public void OTEL_SDK_DISABLED_with_another_value_keeps_profiling_on_with_a_warning()
    {
        // The specification: only "true" disables; anything else is false, and a warning should be logged.
        var options = Read(("OTEL_SDK_DISABLED", "1"));

        Assert.True(options.Enabled);
        Assert.Contains(options.Sources.Warnings, w => w.Contains("OTEL_SDK_DISABLED='1'") && w.Contains("true, false"));
        Assert.Single(options.Sources.Warnings);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL")]
    public void Protocol(string key)
    {
        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, Read((key, "http/protobuf")).Protocol);
        Assert.Equal(OtlpProfilesProtocol.Grpc, Read((key, "grpc")).Protocol);
        Assert.Equal(OtlpProfilesProtocol.HttpProtobuf, Read((key, " HTTP/Protobuf ")).Protocol);
    }

    [Fact]
    public void Per_signal_protocol_wins_over_the_generic_one() =>
        Assert.Equal(
            OtlpProfilesProtocol.HttpProtobuf,
            Read(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL", "http/protobuf")).Protocol);

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_HEADERS")]
    public void Headers(string key)
    {
        var options = Read((key, " api-key = abc ,Authorization=Basic%20dXNlcjpwYXNz,x-pad=YQ=="));

        Assert.Equal("abc", options.Headers["api-key"]);
        Assert.Equal("Basic dXNlcjpwYXNz", options.Headers["authorization"]);
        Assert.Equal("YQ==", options.Headers["x-pad"]);
    }

    [Fact]
    public void Per_signal_headers_replace_the_generic_ones_as_a_whole()
    {
        var options = Read(("OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=2"), ("OTEL_EXPORTER_OTLP_PROFILES_HEADERS", "c=3"));

        Assert.Equal(new Dictionary<string, string> { ["c"] = "3" }, options.Headers);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT")]
    public void Timeout_in_milliseconds(string key) =>
        Assert.Equal(TimeSpan.FromMilliseconds(2500), Read((key, "2500")).Timeout);

    [Fact]
    public void Per_signal_timeout_wins() =>
        Assert.Equal(
            TimeSpan.FromSeconds(3),
            Read(("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"), ("OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT", "3000")).Timeout);

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_COMPRESSION")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION")]
    public void Compression(string key)
    {
        Assert.Equal(OtlpProfilesCompression.None, Read((key, "none")).Compression);
        Assert.Equal(OtlpProfilesCompression.Gzip, Read((key, "GZIP")).Compression);
    }

    [Fact]
    public void Per_signal_compression_wins() =>
        Assert.Equal(
            OtlpProfilesCompression.None,
            Read(("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"), ("OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION", "none")).Compression);

    [Theory]
    [InlineData("cpu", ProfileTypes.Cpu)]
    [InlineData("wall", ProfileTypes.Wall)]
    [InlineData("cpu,wall", ProfileTypes.Cpu | ProfileTypes.Wall)]
    [InlineData(" Wall , CPU ,", ProfileTypes.Cpu | ProfileTypes.Wall)]
    [InlineData("alloc", ProfileTypes.Allocations)]
    [InlineData("inuse", ProfileTypes.InUseMemory)]
    [InlineData("lock", ProfileTypes.Contention)]
    [InlineData("exception", ProfileTypes.Exceptions)]
    [InlineData("cpu,wall,alloc,inuse,lock,exception", ProfileTypes.Cpu | ProfileTypes.Wall | ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions)]
    [InlineData("ALLOC, Exception", ProfileTypes.Allocations | ProfileTypes.Exceptions)]
    public void OTEL_PROFILES_TYPES(string raw, ProfileTypes expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_TYPES", raw)).ProfileTypes);

    [Fact]
    public void OTEL_PROFILES_SAMPLING_FREQUENCY() =>
        Assert.Equal(49, Read(("OTEL_PROFILES_SAMPLING_FREQUENCY", "49")).SamplingFrequencyHz);

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("2", 2.0)]
    [InlineData(" 100 ", 100.0)]
    public void OTEL_PROFILES_SAMPLING_OVERHEAD(string raw, double expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_SAMPLING_OVERHEAD", raw)).SamplingOverheadPercent);

    [Fact]
    public void OTEL_PROFILES_SAMPLER_PERIOD() =>
        Assert.Equal(TimeSpan.FromMilliseconds(500), Read(("OTEL_PROFILES_SAMPLER_PERIOD", "500")).SamplerPeriod);

    [Fact]
    public void OTEL_PROFILES_EXPORT_INTERVAL() =>
        Assert.Equal(TimeSpan.FromSeconds(60), Read(("OTEL_PROFILES_EXPORT_INTERVAL", "60000")).ExportInterval);

    [Theory]
    [InlineData("otlp", ProfileExporters.Otlp)]
    [InlineData("file", ProfileExporters.File)]
    [InlineData("otlp,file", ProfileExporters.Otlp | ProfileExporters.File)]
    [InlineData("File, OTLP", ProfileExporters.Otlp | ProfileExporters.File)]
    [InlineData("none", ProfileExporters.None)]
    public void OTEL_PROFILES_EXPORTER(string raw, ProfileExporters expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_EXPORTER", raw)).Exporters);

    [Fact]
    public void OTEL_PROFILES_FILE_DIRECTORY()
    {
        var options = Read(("OTEL_PROFILES_EXPORTER", "file"), ("OTEL_PROFILES_FILE_DIRECTORY", "/var/tmp/profiles"));

        Assert.Equal("/var/tmp/profiles", options.FileDirectory);
        Assert.Equal(Path.GetFullPath("/var/tmp/profiles"), options.ResolveFileDirectory());
    }

    [Fact]
    public void OTEL_PROFILES_MAX_QUEUE_SIZE() =>
        Assert.Equal(3, Read(("OTEL_PROFILES_MAX_QUEUE_SIZE", "3")).MaxQueueSize);

    [Fact]
    public void Empty_values_count_as_unset()
    {
        var options = Read(
            ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", ""),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
            ("OTEL_PROFILES_TYPES", "  "),
            ("OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT", ""));

        Assert.Equal(new Uri("http://collector:4317"), options.Endpoint);
        Assert.Equal(ProfileTypes.Cpu | ProfileTypes.Wall, options.ProfileTypes);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Empty(options.Sources.Warnings);
    }

    [Fact]
    public void Configuration_keys_are_case_insensitive_like_IConfiguration() =>
        Assert.Equal(7, Read(("otel_profiles_max_queue_size", "7")).MaxQueueSize);
}
