using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtelProfiles.Diagnostics;
using OtelProfiles.Tests.Diagnostics;

namespace OtelProfiles.Tests.Configuration;

/// <summary>Tests that set real process environment variables run alone: every other test could read them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>
/// Invalid OTEL_* environment variables, read from the real environment by the real registration: the application
/// starts, the defaults apply, and each problem is logged and written to the EventSource once.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class EnvironmentWarningTests
{
    private const string Secret = "c2VjcmV0LXRva2Vu";

    [Fact]
    public void Invalid_environment_values_warn_once_and_the_defaults_apply()
    {
        using var environment = new EnvironmentVariables(
            ("OTEL_PROFILES_ENABLED", "yes"),
            ("OTEL_PROFILES_EXPORT_INTERVAL", "0"),
            ("OTEL_EXPORTER_OTLP_HEADERS", $"x-tenant=acme,Bearer {Secret}"));
        using var listener = new WarningListener();
        var logging = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logging));
        services.AddOpenTelemetry().AddOtlpProfiles();

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>().CurrentValue;

        // Rebuilding the options (a scope's snapshot does) must not repeat the warnings.
        using (var scope = provider.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<OtlpProfilesOptions>>().Value;
        }

        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ExportInterval);
        Assert.Equal("acme", Assert.Single(options.Headers).Value);

        var warnings = logging.Logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("OTEL_PROFILES_ENABLED='yes' is not a boolean; accepted: true, false; ignored"));
        Assert.Contains(warnings, w => w.Contains("OTEL_PROFILES_EXPORT_INTERVAL='0' is out of range; accepted: 1000 to 3600000 milliseconds") && w.Contains("uses its default"));
        Assert.Contains(warnings, w => w.Contains("OTEL_EXPORTER_OTLP_HEADERS: entry 2 of 2 has no '='"));
        Assert.All(warnings, w => Assert.DoesNotContain(Secret, w));

        var events = listener.Messages;
        Assert.Equal(3, events.Count);
        Assert.All(warnings, w => Assert.Contains(events, e => w.EndsWith(e, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_host_with_invalid_environment_values_starts()
    {
        using var environment = new EnvironmentVariables(("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"), ("OTEL_PROFILES_ENABLED", "false"));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddOpenTelemetry().AddOtlpProfiles();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(OtlpProfilesProtocol.Grpc, host.Services.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value.Protocol);
    }

    /// <summary>Sets variables for the test's duration and restores what was there.</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly List<(string Name, string? Previous)> _previous = [];

        public EnvironmentVariables(params (string Name, string Value)[] variables)
        {
            foreach ((string name, string value) in variables)
            {
                _previous.Add((name, Environment.GetEnvironmentVariable(name)));
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach ((string name, string? previous) in _previous)
            {
                Environment.SetEnvironmentVariable(name, previous);
            }
        }
    }

    private sealed class WarningListener : EventListener
    {
        // Initialised before the base constructor, which already reports existing sources.
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == OtelProfilesEventSource.EventSourceName)
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "ConfigurationWarning")
            {
                _messages.Enqueue((string)eventData.Payload![0]!);
            }
        }
    }
}
