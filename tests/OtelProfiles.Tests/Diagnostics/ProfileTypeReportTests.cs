using Microsoft.Extensions.Logging;
using OtelProfiles.ProfileSources;

namespace OtelProfiles.Tests.Diagnostics;

public sealed class ProfileTypeReportTests
{
    [Fact]
    public void An_unavailable_type_is_reported_once_with_its_reason_and_the_others_run_silently()
    {
        var logger = new RecordingLogger();
        var report = new ProfileTypeReport(logger);
        var bits32 = ProfileTypeSupport.For(new Version(10, 0), 4, backgroundGC: false);

        report.Report(ProfileTypes.Cpu | ProfileTypes.InUseMemory | ProfileTypes.Exceptions, bits32);
        report.Report(ProfileTypes.InUseMemory, bits32); // a later switch asks again: no second warning

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(20, warning.EventId.Id);
        Assert.StartsWith("OpenTelemetry profiling: the inuse profile is not available here and is skipped: the memory profiles decode 64-bit", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("exception", StringComparison.Ordinal) || e.Message.Contains("cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void How_the_memory_profiles_are_estimated_here_is_said_once()
    {
        var logger = new RecordingLogger();
        var report = new ProfileTypeReport(logger);

        report.Report(ProfileTypes.InUseMemory, ProfileTypeSupport.For(new Version(10, 0), 8, backgroundGC: true));
        report.Report(ProfileTypes.InUseMemory, ProfileTypeSupport.For(new Version(10, 0), 8, backgroundGC: true));
        new ProfileTypeReport(logger).Report(ProfileTypes.InUseMemory, ProfileTypeSupport.For(new Version(10, 0), 8, backgroundGC: false));

        var note = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Information, 21), (note.Level, note.EventId.Id));
        Assert.Contains("DOTNET_gcConcurrent=0", note.Message, StringComparison.Ordinal);
    }
}
