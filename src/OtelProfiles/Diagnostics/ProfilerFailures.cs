using Microsoft.Extensions.Logging;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// The profiler's failure policy. Every failure goes to the EventSource; each kind (operation and exception type)
/// is logged once per profiler, so a failure that repeats every interval does not flood the app's log. A failure
/// that ended one of the profiler's threads (a sampler or event reader) also faults the profiler: profiling that
/// silently lost its sampler must not look as if it were running.
/// </summary>
internal sealed class ProfilerFailures
{
    private static long _reported;
    private readonly ILogger _logger;
    private readonly HashSet<string> _logged;
    private readonly Action<string, Exception>? _onThreadDied;

    /// <param name="logger">Where each kind of failure is logged once.</param>
    public ProfilerFailures(ILogger logger)
        : this(logger, new HashSet<string>(StringComparer.Ordinal), onThreadDied: null)
    {
    }

    private ProfilerFailures(ILogger logger, HashSet<string> logged, Action<string, Exception>? onThreadDied)
    {
        _logger = logger;
        _logged = logged;
        _onThreadDied = onThreadDied;
    }

    /// <summary>
    /// The policy for one run of the profiler: the same once-per-kind log, and the run's own reaction to a thread
    /// that died (so that a late failure of an earlier run cannot fault a later one).
    /// </summary>
    /// <param name="onThreadDied">Called after a thread-ending failure is reported, on the failing thread: it must not block.</param>
    public ProfilerFailures ForRun(Action<string, Exception> onThreadDied) => new(_logger, _logged, onThreadDied);

    /// <summary>Failures reported in this process so far, every one counted (the log has each kind once); the health metrics read it.</summary>
    public static long Reported => Interlocked.Read(ref _reported);

    /// <summary>A failure the profiler goes on after (an interval not built, a session not opened, a queue not flushed).</summary>
    public void Report(string operation, Exception exception)
    {
        Interlocked.Increment(ref _reported);
        OtelProfilesEventSource.Log.ProfilerError(operation, exception);
        lock (_logged)
        {
            if (!_logged.Add(operation + ":" + exception.GetType().FullName))
            {
                return;
            }
        }

        Log.ProfilerError(_logger, operation, exception);
    }

    /// <summary>A failure that ended one of the profiler's threads: reported as any other, and the profiler faults.</summary>
    public void ThreadDied(string operation, Exception exception)
    {
        Report(operation, exception);
        _onThreadDied?.Invoke(operation, exception);
    }
}
