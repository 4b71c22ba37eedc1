using Microsoft.Extensions.Options;
using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>
/// Every invalid value gets a message naming the setting, quoting the value and saying what is accepted: a warning
/// (and the default) for configuration values, a startup failure for values set in code.
/// </summary>
public class ValidationMessageTests
{
    [Fact]
    public void Endpoint_without_scheme_reads_as_the_issue_asks() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_ENDPOINT='localhost:4317' is not an absolute http(s) URL; use e.g. http://localhost:4317",
            SingleWarning(("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317")));

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:4317")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "/relative/path")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "http//collector:4317")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "grpc://collector:4317")]
    public void Malformed_or_non_http_endpoint(string key, string raw)
    {
        var error = SingleWarning((key, raw));

        Assert.StartsWith($"{key}='{raw}'", error);
        Assert.Contains("is not an absolute http(s) URL; use e.g. http://localhost:4317", error);
    }

    [Fact]
    public void Endpoint_example_follows_the_protocol() =>
        Assert.Contains(
            "use e.g. http://localhost:4318/v1development/profiles",
            SingleWarning(("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), ("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT", "collector")));

    [Fact]
    public void Endpoint_set_in_code() =>
        Assert.Equal(
            "OtlpProfilesOptions.Endpoint='ftp://collector' is not an absolute http(s) URL; use e.g. http://localhost:4317", // as written: other schemes print their original text
            string.Join("|", Errors(o => o.Endpoint = new Uri("ftp://collector"))));

    [Fact]
    public void Endpoint_from_the_section() =>
        Assert.StartsWith(
            "OpenTelemetry:Profiles:Endpoint='localhost:4317' is not an absolute http(s) URL",
            SingleWarning(("OpenTelemetry:Profiles:Endpoint", "localhost:4317")));

    [Fact]
    public void Unknown_protocol() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_PROTOCOL='udp' is not an OTLP protocol; accepted: grpc, http/protobuf",
            SingleWarning(("OTEL_EXPORTER_OTLP_PROTOCOL", "udp")));

    [Fact]
    public void Http_json_is_clearly_not_supported()
    {
        var error = SingleWarning(("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL", "http/json"));

        Assert.StartsWith("OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL='http/json' is not supported", error);
        Assert.Contains("accepted: grpc, http/protobuf; ignored", error);
    }

    [Theory]
    [InlineData("0", "is out of range")]
    [InlineData("-5", "is out of range")]
    [InlineData("999", "is out of range")]
    [InlineData("3600001", "is out of range")]
    [InlineData("99999999999", "is out of range")]
    [InlineData("15s", "is not a whole number of milliseconds")]
    [InlineData("1.5", "is not a whole number of milliseconds")]
    public void Export_interval(string raw, string problem) =>
        Assert.StartsWith(
            $"OTEL_PROFILES_EXPORT_INTERVAL='{raw}' {problem}; accepted: 1000 to 3600000 milliseconds (00:00:01 to 01:00:00)",
            SingleWarning(("OTEL_PROFILES_EXPORT_INTERVAL", raw)));

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "0")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "-1")]
    [InlineData("OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT", "3600001")]
    public void Timeout_out_of_range(string key, string raw) =>
        Assert.StartsWith(
            $"{key}='{raw}' is out of range; accepted: 1 to 3600000 milliseconds (00:00:00.0010000 to 01:00:00)",
            SingleWarning((key, raw)));

    [Fact]
    public void Timeout_not_a_number() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_TIMEOUT='10s' is not a whole number of milliseconds; accepted: 1 to 3600000 milliseconds",
            SingleWarning(("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")));

    [Theory]
    [InlineData("0", "is out of range")]
    [InlineData("-100", "is out of range")]
    [InlineData("1001", "is out of range")]
    [InlineData("fast", "is not a whole number of samples per second")]
    public void Sampling_frequency(string raw, string problem) =>
        Assert.StartsWith(
            $"OTEL_PROFILES_SAMPLING_FREQUENCY='{raw}' {problem}; accepted: 1 to 1000",
            SingleWarning(("OTEL_PROFILES_SAMPLING_FREQUENCY", raw)));

    [Theory]
    [InlineData("0", "is out of range")]
    [InlineData("0.05", "is out of range")]
    [InlineData("150", "is out of range")]
    [InlineData("-1", "is out of range")]
    [InlineData("1%", "is not a number of percent such as 1 or 0.5")]
    [InlineData("NaN", "is not a number of percent such as 1 or 0.5")]
    public void Sampling_overhead(string raw, string problem) =>
        Assert.StartsWith(
            $"OTEL_PROFILES_SAMPLING_OVERHEAD='{raw}' {problem}; accepted: 0.1 to 100 (percent)",
            SingleWarning(("OTEL_PROFILES_SAMPLING_OVERHEAD", raw)));

    [Fact]
    public void Sampler_period_below_the_minimum() =>
        Assert.StartsWith(
            "OTEL_PROFILES_SAMPLER_PERIOD='100' is out of range; accepted: at least 200 milliseconds (00:00:00.2000000) " +
            "and at most the export interval (15000 milliseconds)",
            SingleWarning(("OTEL_PROFILES_SAMPLER_PERIOD", "100")));

    [Fact]
    public void Sampler_period_longer_than_the_export_interval() =>
        Assert.Contains(
            "OTEL_PROFILES_SAMPLER_PERIOD='5000' is out of range; accepted: at least 200 milliseconds",
            SingleWarning(("OTEL_PROFILES_SAMPLER_PERIOD", "5000"), ("OTEL_PROFILES_EXPORT_INTERVAL", "2000")));

    [Fact]
    public void Max_queue_size() =>
        Assert.StartsWith(
            "OTEL_PROFILES_MAX_QUEUE_SIZE='0' is out of range; accepted: 1 to 1000",
            SingleWarning(("OTEL_PROFILES_MAX_QUEUE_SIZE", "0")));

    [Fact]
    public void Enabled_not_a_boolean() =>
        Assert.StartsWith(
            "OTEL_PROFILES_ENABLED='yes' is not a boolean; accepted: true, false",
            SingleWarning(("OTEL_PROFILES_ENABLED", "yes")));

    [Fact]
    public void Unknown_compression() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_COMPRESSION='brotli' is not a compression; accepted: gzip, none",
            SingleWarning(("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli")));

    [Fact]
    public void Unknown_profile_type() =>
        Assert.StartsWith(
            "OTEL_PROFILES_TYPES='cpu,heap,mutex' names unknown profile types 'heap', 'mutex'; " +
            "accepted: a comma-separated list of cpu, wall, alloc, inuse, lock, exception (for example cpu,wall)",
            SingleWarning(("OTEL_PROFILES_TYPES", "cpu,heap,mutex")));

    [Fact]
    public void Profile_types_listing_nothing() =>
        Assert.StartsWith("OTEL_PROFILES_TYPES=',' names no profile type; accepted:", SingleWarning(("OTEL_PROFILES_TYPES", ",")));

    [Fact]
    public void Unknown_exporter() =>
        Assert.StartsWith(
            "OTEL_PROFILES_EXPORTER='console' names unknown exporter 'console'; accepted: otlp, file, otlp,file or none",
            SingleWarning(("OTEL_PROFILES_EXPORTER", "console")));

    [Fact]
    public void None_combined_with_an_exporter() =>
        Assert.StartsWith(
            "OTEL_PROFILES_EXPORTER='none,otlp' combines 'none' with other exporters; accepted: otlp, file, otlp,file or none",
            SingleWarning(("OTEL_PROFILES_EXPORTER", "none,otlp")));

    [Fact]
    public void Header_without_equals_sign()
    {
        var error = SingleWarning(("OTEL_EXPORTER_OTLP_HEADERS", "a=1,Authorization: Bearer abc"));

        Assert.StartsWith("OTEL_EXPORTER_OTLP_HEADERS: entry 2 of 2 has no '='", error);
        Assert.Contains("accepted: comma-separated key=value pairs", error);
    }

    [Fact]
    public void Header_with_an_empty_key() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_PROFILES_HEADERS: entry 1 of 1 has an empty key before '='; accepted: comma-separated key=value pairs",
            SingleWarning(("OTEL_EXPORTER_OTLP_PROFILES_HEADERS", " =value")));

    [Fact]
    public void Header_name_that_is_not_an_http_token() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_HEADERS: header name 'api key' is not a valid HTTP header name; accepted: letters, digits and !#$%&'*+-.^_`|~",
            SingleWarning(("OTEL_EXPORTER_OTLP_HEADERS", "api key=v")));

    [Fact]
    public void Header_name_reserved_by_grpc() =>
        Assert.Contains("header name 'token-bin' ends with '-bin'", SingleWarning(("OTEL_EXPORTER_OTLP_HEADERS", "token-bin=v")));

    [Fact]
    public void Header_value_with_a_line_break_set_in_code()
    {
        var errors = Errors(o => o.Headers["x-token"] = "abc\r\nInjected: 1");

        var error = Assert.Single(errors);
        Assert.Equal(
            "OtlpProfilesOptions.Headers: the value of header 'x-token' is missing or contains characters other than printable ASCII " +
            "(value not shown: header values are secrets)",
            error);
    }

    [Fact]
    public void Values_set_in_code_name_the_property()
    {
        var errors = Errors(o =>
        {
            o.SamplingFrequencyHz = 0;
            o.ExportInterval = TimeSpan.FromSeconds(-1);
            o.ProfileTypes = ProfileTypes.None;
            o.Protocol = (OtlpProfilesProtocol)7;
            o.Exporters = (ProfileExporters)8;
            o.ShutdownTimeout = TimeSpan.FromMinutes(11);
            o.SamplingOverheadPercent = double.NaN;
        });

        Assert.Contains("OtlpProfilesOptions.SamplingFrequencyHz='0' is out of range; accepted: 1 to 1000", errors);
        Assert.Contains(
            "OtlpProfilesOptions.ExportInterval='-00:00:01' is out of range; accepted: 1000 to 3600000 milliseconds (00:00:01 to 01:00:00)",
            errors);
        Assert.Contains(errors, e => e.StartsWith("OtlpProfilesOptions.ProfileTypes='None' is not a set of known profile types; accepted:"));
        Assert.Contains(errors, e => e.StartsWith("OtlpProfilesOptions.Protocol='7' is not a defined value; accepted: grpc, http/protobuf"));
        Assert.Contains(errors, e => e.StartsWith("OtlpProfilesOptions.Exporters='8' is not a set of known exporters; accepted:"));
        Assert.Contains(errors, e => e.StartsWith("OtlpProfilesOptions.ShutdownTimeout='00:11:00' is out of range; accepted: 0 to 600000 milliseconds"));
        Assert.Contains("OtlpProfilesOptions.SamplingOverheadPercent='NaN' is out of range; accepted: 0.1 to 100 (percent)", errors);
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Values_from_the_section_name_the_configuration_key() =>
        // The binder reads "15000" as 15000 days: the range check catches the unit mistake.
        Assert.StartsWith(
            "OpenTelemetry:Profiles:ExportInterval='15000' is out of range; accepted: 1000 to 3600000 milliseconds (00:00:01 to 01:00:00)",
            SingleWarning(("OpenTelemetry:Profiles:ExportInterval", "15000")));

    [Fact]
    public void Section_value_the_binder_cannot_convert()
    {
        var error = SingleWarning(("OpenTelemetry:Profiles:Timeout", "ten seconds"));

        Assert.Contains("OpenTelemetry:Profiles:Timeout", error);
        Assert.Contains("TimeSpan", error);
        Assert.Contains("durations as hh:mm:ss", error);
    }

    [Fact]
    public void Misspelt_section_key()
    {
        var error = SingleWarning(("OpenTelemetry:Profiles:ExportIntreval", "00:00:30"));

        Assert.Contains("ExportIntreval", error);
        Assert.Contains("the property names of OtlpProfilesOptions", error);
    }

    [Fact]
    public void File_directory_that_is_blank() =>
        Assert.StartsWith(
            "OtlpProfilesOptions.FileDirectory=' ' is empty; accepted: a directory path",
            string.Join("|", Errors(o => { o.Exporters = ProfileExporters.File; o.FileDirectory = " "; })));

    [Fact]
    public void All_problems_are_reported_not_just_the_first()
    {
        var warnings = Warnings(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "novalue"),
            ("OTEL_PROFILES_EXPORT_INTERVAL", "-1"),
            ("OTEL_PROFILES_SAMPLING_FREQUENCY", "0"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
            ("OTEL_PROFILES_TYPES", "heap"),
            ("OTEL_PROFILES_EXPORTER", "zipkin"));

        Assert.Equal(8, warnings.Count);
        Assert.Equal(8, warnings.Select(e => e.Split('=', ':')[0]).Distinct().Count());
    }

    [Fact]
    public void Validate_throws_one_exception_listing_every_problem()
    {
        var options = new OtlpProfilesOptions { SamplingFrequencyHz = 0, MaxQueueSize = 0 };

        var exception = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(typeof(OtlpProfilesOptions), exception.OptionsType);
        Assert.Equal(2, exception.Failures.Count());
        Assert.Contains("OtlpProfilesOptions.SamplingFrequencyHz='0'", exception.Message);
        Assert.Contains("OtlpProfilesOptions.MaxQueueSize='0'", exception.Message);
    }
}
