using OtelProfiles.Diagnostics;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Xunit;

namespace OtelProfiles.Tests.Diagnostics;

public class OtelProfilesEventSourceTests
{
    [Fact]
    public void Name_follows_the_OpenTelemetry_convention()
    {
        Assert.Equal("OpenTelemetry-Profiles", OtelProfilesEventSource.Log.Name);
        Assert.Same(OtelProfilesEventSource.Log, OtelProfilesEventSource.Log);
    }

    [Fact]
    public void Manifest_is_valid()
    {
        // Strict generation throws on mismatched ids, parameter lists and messages.
        var manifest = EventSource.GenerateManifest(typeof(OtelProfilesEventSource), string.Empty, EventManifestOptions.Strict);

        Assert.Contains("OpenTelemetry-Profiles", manifest);
    }

    [Fact]
    public void Events_reach_a_real_listener_with_ids_levels_and_payloads()
    {
        // A marker per run keeps events written by tests running in parallel apart.
        var marker = Guid.NewGuid().ToString("N");
        using var listener = new Listener();
        var log = OtelProfilesEventSource.Log;

        log.ProfilerStarted($"cpu,wall {marker}", "OTLP/gRPC http://localhost:4317");
        log.ProfilerDisabled($"OTEL_SDK_DISABLED=true {marker}");
        log.SessionStartFailed($"diagnostics are disabled {marker}", "Remove DOTNET_EnableDiagnostics=0.");
        log.ExportFailed($"OTLP/HTTP {marker}", "503 Service Unavailable");
        log.ExportFailed($"exception {marker}", new InvalidOperationException("boom"));
        log.ExportRetrying($"retry {marker}", 1500);
        log.ExportPartialSuccess($"partial {marker}", 3, "bad stacks");
        log.SamplesDropped(7, $"buffer full {marker}");
        log.ConfigurationError($"OTEL_PROFILES_TYPES='heap' {marker}");
        log.ConfigurationWarning($"warning {marker}");
        log.ProfilerError($"reading events {marker}", new IOException("pipe closed"));

        var mine = listener.Events.Where(e => e.Payload!.Any(p => p is string s && s.Contains(marker))).ToList();
        EventWrittenEventArgs Single(string name) => Assert.Single(mine, e => e.EventName == name);

        var started = Single("ProfilerStarted");
        Assert.Equal(1, started.EventId);
        Assert.Equal(EventLevel.Informational, started.Level);
        Assert.Equal("OTLP/gRPC http://localhost:4317", started.Payload![1]);
        Assert.Equal(["profileTypes", "exporter"], started.PayloadNames!);

        Assert.Equal(3, Single("ProfilerDisabled").EventId);

        var session = Single("SessionStartFailed");
        Assert.Equal(EventLevel.Warning, session.Level);
        Assert.Equal("Remove DOTNET_EnableDiagnostics=0.", session.Payload![1]);

        var failures = mine.Where(e => e.EventName == "ExportFailed").ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, e => Assert.Equal(EventLevel.Error, e.Level));
        Assert.Contains(failures, e => ((string)e.Payload![1]!).Contains("System.InvalidOperationException: boom"));

        var retry = Single("ExportRetrying");
        Assert.Equal(1500L, retry.Payload![1]);

        var partial = Single("ExportPartialSuccess");
        Assert.Equal(3L, partial.Payload![1]);
        Assert.Equal("bad stacks", partial.Payload[2]);

        var dropped = Single("SamplesDropped");
        Assert.Equal(7L, dropped.Payload![0]);

        Assert.Equal(EventLevel.Error, Single("ConfigurationError").Level);
        Assert.Equal(EventLevel.Warning, Single("ConfigurationWarning").Level);
        Assert.Contains("pipe closed", (string)Single("ProfilerError").Payload![1]!);
    }

    [Fact]
    public void Events_without_strings_reach_the_listener()
    {
        using var listener = new Listener();
        var log = OtelProfilesEventSource.Log;

        // Values unlikely to be written by any other test at the same time.
        log.ExportSucceeded(918_273, 1_234_567_890_123);
        log.QueueDropped(556_677_889);
        log.ProfilerStopped();

        Assert.Contains(listener.Events, e => e.EventName == "ExportSucceeded" && e.EventId == 5 &&
            (long)e.Payload![0]! == 918_273 && (long)e.Payload[1]! == 1_234_567_890_123 && e.Level == EventLevel.Verbose);
        Assert.Contains(listener.Events, e => e.EventName == "QueueDropped" && (long)e.Payload![0]! == 556_677_889);
        Assert.Contains(listener.Events, e => e.EventName == "ProfilerStopped" && e.EventId == 2);
    }

    [Fact]
    public void Validation_errors_are_written_to_the_event_source()
    {
        using var listener = new Listener();
        var options = new OtlpProfilesOptions { SamplingFrequencyHz = 876543 };

        new OtelProfiles.Configuration.OtlpProfilesOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);

        Assert.Contains(listener.Events, e => e.EventName == "ConfigurationError" &&
            ((string)e.Payload![0]!).Contains("OtlpProfilesOptions.SamplingFrequencyHz='876543'"));
    }

    private sealed class Listener : EventListener
    {
        // Field initialisers run before the base constructor, which already reports existing sources.
        private readonly ConcurrentQueue<EventWrittenEventArgs> events = new();

        public IReadOnlyList<EventWrittenEventArgs> Events => this.events.ToArray();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == OtelProfilesEventSource.EventSourceName)
            {
                this.EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => this.events.Enqueue(eventData);
    }
}
