using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtelProfiles.Hosting;
using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Diagnostics;

public class ProfilingStartupLogTests
{
    [Fact]
    public void Startup_line_with_the_defaults()
    {
        var logger = new RecordingLogger();

        ProfilingStartupLog.Started(logger, Read());

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("ProfilingEnabled", entry.EventId.Name);
        Assert.Equal(
            "OpenTelemetry profiling enabled: types=cpu,wall, exporter=OTLP/gRPC http://localhost:4317, interval=15s, sampling≈100 Hz within 1% overhead",
            entry.Message);
    }

    [Fact]
    public void Startup_line_with_http_and_file()
    {
        var logger = new RecordingLogger();
        var options = Read(
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com"),
            ("OTEL_PROFILES_EXPORTER", "otlp,file"),
            ("OTEL_PROFILES_FILE_DIRECTORY", "/tmp/p"),
            ("OTEL_PROFILES_TYPES", "cpu"),
            ("OTEL_PROFILES_EXPORT_INTERVAL", "1500"),
            ("OTEL_PROFILES_SAMPLING_FREQUENCY", "49"));

        ProfilingStartupLog.Started(logger, options);

        Assert.Equal(
            "OpenTelemetry profiling enabled: types=cpu, exporter=OTLP/HTTP https://otlp.example.com/v1development/profiles + " +
            $"file {Path.GetFullPath("/tmp/p")}, interval=1500ms, sampling≈49 Hz within 1% overhead",
            Assert.Single(logger.Entries).Message);
    }

    [Theory]
    [InlineData("OTEL_SDK_DISABLED", "true", "OTEL_SDK_DISABLED=true")]
    [InlineData("OTEL_PROFILES_ENABLED", "false", "OTEL_PROFILES_ENABLED=false")]
    [InlineData("OpenTelemetry:Profiles:Enabled", "false", "OpenTelemetry:Profiles:Enabled=false")]
    public void Disabled_line_names_the_setting(string key, string value, string expected)
    {
        var logger = new RecordingLogger();

        ProfilingStartupLog.Started(logger, Read((key, value)));

        Assert.Equal($"OpenTelemetry profiling disabled by {expected}", Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public void Configuration_warnings_are_logged_before_the_startup_line()
    {
        var logging = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Config(("OTEL_SDK_DISABLED", "yes")));
        services.AddLogging(builder => builder.AddProvider(logging));
        services.AddOpenTelemetry().AddOtlpProfiles();
        using var provider = services.BuildServiceProvider();

        // The pipeline logs while it builds the options, which the profiler reads before its startup line.
        ProfilingStartupLog.Started(logging.Logger, provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value);

        var entries = logging.Logger.Entries;
        Assert.Equal(2, entries.Count);
        Assert.Equal(LogLevel.Warning, entries[0].Level);
        Assert.Contains("OTEL_SDK_DISABLED='yes'", entries[0].Message);
        Assert.StartsWith("OpenTelemetry profiling enabled", entries[1].Message);
    }

    [Fact]
    public void Session_cannot_start_logs_one_warning_with_reason_and_fix()
    {
        var logger = new RecordingLogger();
        var exception = new InvalidOperationException("Unable to connect");

        var problem = ProfilingStartupLog.SessionCannotStart(logger, exception);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Same(exception, entry.Exception);
        Assert.Equal(
            $"OpenTelemetry profiling could not start: {problem.Reason}. {problem.Fix} The application runs on without profiling.",
            entry.Message);
    }
}
