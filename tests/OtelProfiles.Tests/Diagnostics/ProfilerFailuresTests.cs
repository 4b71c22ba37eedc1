using Microsoft.Extensions.Logging;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Tests.Diagnostics;

public sealed class ProfilerFailuresTests
{
    [Fact]
    public void Each_kind_is_logged_once_per_profiler_and_only_a_dead_thread_faults_its_own_run()
    {
        var logger = new RecordingLogger();
        var failures = new ProfilerFailures(logger);
        var died = new List<string>();
        ProfilerFailures first = failures.ForRun((operation, _) => died.Add("first: " + operation));
        ProfilerFailures second = failures.ForRun((operation, _) => died.Add("second: " + operation));

        first.Report("building profiles", new InvalidOperationException("a"));
        second.Report("building profiles", new InvalidOperationException("b")); // same kind, a later run: not again
        second.Report("building profiles", new IOException("c"));
        first.ThreadDied("sampling", new IOException("d"));

        Assert.Equal(["first: sampling"], died);
        Assert.Equal(3, logger.Entries.Count(e => e.Level == LogLevel.Error));
    }
}
