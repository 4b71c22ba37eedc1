using Microsoft.Extensions.Logging;
using OtelProfiles.Hosting;
using OtelProfiles.Tests.Diagnostics;
using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>Header values are credentials: no message, description or log line may contain one.</summary>
public class SecretTests
{
    private const string Secret = "c2VjcmV0LXRva2Vu";

    [Fact]
    public void ToString_shows_header_names_only()
    {
        var options = Read(("OTEL_EXPORTER_OTLP_HEADERS", $"Authorization=Basic%20{Secret},x-tenant=acme"));

        var text = options.ToString();

        Assert.Contains("Authorization=***", text);
        Assert.Contains("x-tenant=***", text);
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain("acme", text);
    }

    [Fact]
    public void ToString_hides_credentials_in_the_endpoint()
    {
        var options = Read(o => o.Endpoint = new Uri($"https://user:{Secret}@collector:4318/p?api-key={Secret}"));

        var text = options.ToString();

        Assert.DoesNotContain(Secret, text);
        Assert.Contains("https://***@collector:4318/p?***", text);
    }

    [Theory]
    [InlineData($"Authorization: Bearer {Secret}")]      // a header written HTTP-style
    [InlineData(Secret)]                                  // a bare token
    [InlineData($"ok=1,{Secret}")]
    [InlineData($"=Bearer {Secret}")]
    public void Malformed_header_messages_quote_nothing_of_the_entry(string raw)
    {
        foreach (var key in new[] { "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROFILES_HEADERS" })
        {
            var options = Read((key, raw));
            var warnings = options.Sources.Warnings;

            Assert.NotEmpty(warnings);
            Assert.All(warnings, e => Assert.DoesNotContain(Secret, e));
            Assert.All(warnings, e => Assert.Contains(key, e));
            Assert.All(options.Headers.Values, v => Assert.DoesNotContain(Secret, v));
            Assert.DoesNotContain(Secret, options.ToString());
        }
    }

    [Fact]
    public void Invalid_header_value_message_names_the_key_only()
    {
        var errors = Errors(o => o.Headers["Authorization"] = $"Bearer {Secret}\u00e9");

        var error = Assert.Single(errors);
        Assert.Contains("'Authorization'", error);
        Assert.DoesNotContain(Secret, error);
    }

    [Fact]
    public void Overridden_header_problems_in_warnings_quote_nothing()
    {
        var options = Read(
            o => o.Headers = new Dictionary<string, string> { ["a"] = "b" },
            ("OTEL_EXPORTER_OTLP_HEADERS", $"Bearer {Secret}"));

        Assert.NotEmpty(options.Sources.Warnings);
        Assert.All(options.Sources.Warnings, w => Assert.DoesNotContain(Secret, w));
    }

    [Fact]
    public void Endpoint_credentials_are_masked_in_warnings()
    {
        var error = SingleWarning(("OTEL_EXPORTER_OTLP_ENDPOINT", $"user:{Secret}@collector:4317"));

        Assert.DoesNotContain(Secret, error);
        Assert.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT='***@collector:4317'", error);
    }

    [Fact]
    public void Startup_log_line_shows_header_names_not_values()
    {
        var logger = new RecordingLogger();
        var options = Read(("OTEL_EXPORTER_OTLP_HEADERS", $"Authorization=Basic%20{Secret}"));

        ProfilingStartupLog.Started(logger, options);

        var line = Assert.Single(logger.Entries, e => e.Level == LogLevel.Information).Message;
        Assert.Contains("(headers: Authorization)", line);
        Assert.DoesNotContain(Secret, line);
    }
}
