using System.Diagnostics.Tracing;
using OtelProfiles.Diagnostics;

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
    public void Lifecycle_and_configuration_events_reach_a_real_listener_with_ids_levels_and_payloads()
    {
        // A marker per run keeps events written by tests running in parallel apart. The export events (5-10) are
        // tested through the real exporter in ExportEventSourceTests.
        var marker = Guid.NewGuid().ToString("N");
        using var listener = new ProfilesEventListener();
        var log = OtelProfilesEventSource.Log;

        log.ProfilerStarted($"cpu,wall {marker}", "OTLP/gRPC http://localhost:4317");
        log.ProfilerDisabled($"OTEL_SDK_DISABLED=true {marker}");
        log.SessionStartFailed($"diagnostics are disabled {marker}", "Remove DOTNET_EnableDiagnostics=0.");
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

        Assert.Equal(EventLevel.Error, Single("ConfigurationError").Level);
        Assert.Equal(EventLevel.Warning, Single("ConfigurationWarning").Level);
        Assert.Contains("pipe closed", (string)Single("ProfilerError").Payload![1]!);
    }

    [Fact]
    public void Validation_errors_are_written_to_the_event_source()
    {
        using var listener = new ProfilesEventListener();
        var options = new OtlpProfilesOptions { SamplingFrequencyHz = 876543 };

        new OtelProfiles.Configuration.OtlpProfilesOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);

        Assert.Contains(listener.Events, e => e.EventName == "ConfigurationError" &&
            ((string)e.Payload![0]!).Contains("OtlpProfilesOptions.SamplingFrequencyHz='876543'"));
    }
}
