using System.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// What keeping the span mirror costs the app's own threads, so the sampler's budget can charge it like the
/// profiler's own CPU: the runtime calls the mirror's change callback on the app's thread at every change of the
/// execution context that changes the mirror (twice for an <c>await</c> that resumes on another thread inside a
/// span), and that time is the app's loss, not the profiler threads'.
/// </summary>
/// <remarks>
/// Each thread counts its changes in its history (one store, no lock); the control thread adds them up once a period
/// and multiplies by the cost of one change on this machine, measured once on first need: switching
/// repeatedly between two execution contexts that differ in the mirror's value (the runtime's notification and the
/// callback run at each switch) against two that differ in an AsyncLocal without a callback (the plain switch the
/// app pays anyway). An app without spans or tags records no change and never pays for the measurement.
/// </remarks>
internal static partial class SampleContextTracker
{
    /// <summary>Context switches timed per measurement; each makes two changes of the mirror.</summary>
    private const int CalibrationSwitches = 4000;

    /// <summary>The measurement is repeated and the cheapest kept: a preemption inflates one, never shrinks one.</summary>
    private const int CalibrationRepeats = 5;

    /// <summary>No change of the mirror costs more than this, whatever one disturbed measurement says.</summary>
    private const double MaxNsPerChange = 5_000;

    private static readonly AsyncLocal<object?> CalibrationPlain = new();
    private static double _nsPerChange = -1;
    private static long _changesCharged;

    /// <summary>The measured cost of one change of the mirror in nanoseconds (measured on first call).</summary>
    public static double NsPerChange
    {
        get
        {
            if (_nsPerChange < 0)
            {
                _nsPerChange = MeasureNsPerChange();
            }

            return _nsPerChange;
        }
    }

    /// <summary>Changes of the mirror charged so far (all threads, all runs of this process).</summary>
    public static long ChangesCharged => Interlocked.Read(ref _changesCharged);

    /// <summary>
    /// The CPU the mirror's changes cost the app's threads since the previous call: the changes every thread counted
    /// meanwhile times <see cref="NsPerChange"/>. Zero while no profiler run tracks. The sampler's control thread only.
    /// </summary>
    public static TimeSpan TakeTrackingCpu()
    {
        if (!_tracking || !_anyHistory)
        {
            return TimeSpan.Zero;
        }

        long changes = 0;
        foreach (ThreadContextHistory history in Histories.Values)
        {
            changes += history.TakeChanges();
        }

        if (changes == 0)
        {
            return TimeSpan.Zero;
        }

        Interlocked.Add(ref _changesCharged, changes);
        return TimeSpan.FromTicks((long)(changes * NsPerChange / 100));
    }

    private static double MeasureNsPerChange()
    {
        ExecutionContext? caller = ExecutionContext.Capture();
        ExecutionContext? mirrored;
        ExecutionContext? plain;
        try
        {
            // Captured in a context of their own, so the calling thread's context is left as it was.
            (mirrored, plain) = CaptureCalibrationContexts();
        }
        finally
        {
            if (caller is not null)
            {
                ExecutionContext.Restore(caller);
            }
        }

        if (mirrored is null || plain is null)
        {
            return 0; // flow is suppressed here: nothing flows, nothing to measure
        }

        double cheapestExtra = double.MaxValue;
        for (int repeat = 0; repeat < CalibrationRepeats; repeat++)
        {
            long withMirror = TimeSwitches(mirrored);
            long withoutMirror = TimeSwitches(plain);
            cheapestExtra = Math.Min(cheapestExtra, withMirror - withoutMirror);
        }

        double ns = cheapestExtra * 1e9 / Stopwatch.Frequency / (2.0 * CalibrationSwitches);
        return Math.Clamp(ns, 0, MaxNsPerChange);
    }

    private static (ExecutionContext? Mirrored, ExecutionContext? Plain) CaptureCalibrationContexts()
    {
        CurrentSpan.Value = CalibrationSpan;
        ExecutionContext? mirrored = ExecutionContext.Capture();
        CurrentSpan.Value = null;
        CalibrationPlain.Value = CalibrationSpan;
        ExecutionContext? plain = ExecutionContext.Capture();
        CalibrationPlain.Value = null;
        return (mirrored, plain);
    }

    private static long TimeSwitches(ExecutionContext context)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < CalibrationSwitches; i++)
        {
            ExecutionContext.Run(context, static _ => { }, null);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>A span that is never started: only its identity flows during the measurement.</summary>
    private static readonly Activity CalibrationSpan = new("OtelProfiles.Calibration");
}
