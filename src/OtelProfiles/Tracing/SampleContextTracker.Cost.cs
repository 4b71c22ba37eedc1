using System.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// What keeping span links current costs the app's own threads, so the sampler's budget can charge it like the
/// profiler's own CPU: the runtime calls the change callback on the app's thread at every set of
/// <see cref="Activity.Current"/> and at every change of the execution context that changes it (twice for an
/// <c>await</c> that resumes on another thread inside a span), and that time is the app's loss, not the profiler
/// threads'.
/// </summary>
/// <remarks>
/// Each thread counts its changes in its history (one store, no lock), and among them the sets (the app set
/// <see cref="Activity.Current"/>). The control thread adds them up once a period and prices them at what each costs
/// on this machine, measured once on first need:
/// <list type="bullet">
/// <item>a change carried by a context switch: switching repeatedly between two execution contexts that differ in an
/// AsyncLocal with the callback (the runtime's notification and the callback run at each switch) against two that
/// differ in an AsyncLocal without one (the plain switch the app pays anyway);</item>
/// <item>a set, with the callback on Activity's own AsyncLocal (<see cref="ActivityCurrentHook"/>): sets of an
/// AsyncLocal with the callback against sets of one without (the app's own execution context is the app's cost);</item>
/// <item>a set with the fallback mirror: setting the mirror and clearing it again, all of it the profiler's (a new
/// execution context, the notification and the callback). That loop runs in a near-empty context with warm caches,
/// so it is only the floor: one set in <see cref="ThreadContextHistory.SetTimingStride"/> is also timed where the app
/// makes it, and a period's sets are priced at what those took. A `perf` profile of the Kestrel gate put these sets
/// at 0.7% of the app's threads' CPU when only switches were priced (bench/results/kestrel-cost-2026-12-05.md).</item>
/// </list>
/// Each measurement is repeated and the cheapest run of each loop kept. An app without spans or tags records no
/// change and never pays for the measurement.
/// </remarks>
internal static partial class SampleContextTracker
{
    /// <summary>Context switches timed per measurement; each makes two changes of the mirror.</summary>
    private const int CalibrationSwitches = 4000;

    /// <summary>The measurement is repeated and the cheapest kept: a preemption inflates one, never shrinks one.</summary>
    private const int CalibrationRepeats = 5;

    /// <summary>No change of the mirror costs more than this, whatever one disturbed measurement says.</summary>
    private const double MaxNsPerChange = 5_000;

    private static readonly AsyncLocal<Activity?> CalibrationPlain = new();
    private static double _nsPerChange = -1;
    private static double _nsPerSet = -1;
    private static double _nsPerHookedSet = -1;
    private static long _changesCharged;
    private static long _setsCharged;

    /// <summary>The measured cost of one change of the mirror carried by a context switch, in nanoseconds (measured on first call).</summary>
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

    /// <summary>The measured cost of one set of the mirror, its callback included, in nanoseconds (measured on first call).</summary>
    public static double NsPerSet
    {
        get
        {
            if (_nsPerSet < 0)
            {
                MeasureSetPrices();
            }

            return _nsPerSet;
        }
    }

    /// <summary>
    /// What the tracker adds to one set of <see cref="Activity.Current"/> when its callback is on Activity's own
    /// AsyncLocal, in nanoseconds (measured on first call): a set of an AsyncLocal with the callback against a set of
    /// one without. The app pays for its own execution context either way.
    /// </summary>
    public static double NsPerHookedSet
    {
        get
        {
            if (_nsPerHookedSet < 0)
            {
                MeasureSetPrices();
            }

            return _nsPerHookedSet;
        }
    }

    /// <summary>Changes of the mirror charged so far (all threads, all runs of this process), sets included.</summary>
    public static long ChangesCharged => Interlocked.Read(ref _changesCharged);

    /// <summary>Of <see cref="ChangesCharged"/>, the sets of the mirror.</summary>
    public static long SetsCharged => Interlocked.Read(ref _setsCharged);

    /// <summary>
    /// The CPU the mirror's changes cost the app's threads since the previous call: the changes every thread counted
    /// meanwhile, the sets among them at <see cref="NsPerSet"/> and the others at <see cref="NsPerChange"/>. Zero while
    /// no profiler run tracks. The sampler's control thread only.
    /// </summary>
    public static TimeSpan TakeTrackingCpu()
    {
        if (!_tracking || !_anyHistory)
        {
            return TimeSpan.Zero;
        }

        long changes = 0;
        long sets = 0;
        long timedSets = 0;
        long timedTicks = 0;
        foreach (ThreadContextHistory history in Histories.Values)
        {
            SetCounts counts = history.TakeChanges();
            changes += counts.Changes;
            sets += counts.Sets;
            timedSets += counts.TimedSets;
            timedTicks += counts.TimedTicks;
        }

        if (changes == 0)
        {
            return TimeSpan.Zero;
        }

        // With the callback on Activity's own AsyncLocal, what a set costs the app beyond its own set is the callback
        // and its registration, whatever the context's size: the calibrated price. A mirror set costs what the timed
        // ones took in the app this period; the calibrated price is the floor (a period whose few timed sets all ran
        // hot in cache would otherwise undercharge) and the fallback (none timed).
        double nsPerSet = _hooked ? NsPerHookedSet : NsPerSet;
        if (!_hooked && timedSets > 0)
        {
            nsPerSet = Math.Max(nsPerSet, Math.Min(MaxNsPerChange, Nanoseconds(timedTicks) / timedSets));
        }

        Interlocked.Add(ref _changesCharged, changes);
        Interlocked.Add(ref _setsCharged, sets);
        LastNsPerSet = nsPerSet;
        double ns = ((changes - sets) * NsPerChange) + (sets * nsPerSet);
        return TimeSpan.FromTicks((long)(ns / 100));
    }

    /// <summary>The price of one set used by the last charge: the sets timed in the app, at least the calibrated one.</summary>
    public static double LastNsPerSet { get; private set; }

    private static double MeasureNsPerChange()
    {
        // Captured in a context of their own, so the calling thread's context is left as it was.
        (ExecutionContext? mirrored, ExecutionContext? plain) = RestoringCallersContext(CaptureCalibrationContexts);
        if (mirrored is null || plain is null)
        {
            return 0; // flow is suppressed here: nothing flows, nothing to measure
        }

        // The cheapest run of each loop: a preemption or another thread's burst inflates a run, never shrinks one.
        // (The cheapest of the differences would be biased low: one disturbed plain run makes a difference negative.)
        long cheapestWithMirror = long.MaxValue;
        long cheapestPlain = long.MaxValue;
        for (int repeat = 0; repeat < CalibrationRepeats; repeat++)
        {
            cheapestWithMirror = Math.Min(cheapestWithMirror, TimeSwitches(mirrored));
            cheapestPlain = Math.Min(cheapestPlain, TimeSwitches(plain));
        }

        return NsPerCalibrationChange(cheapestWithMirror - cheapestPlain);
    }

    /// <summary>
    /// Prices both kinds of set from one measurement: sets of an AsyncLocal with the tracker's callback (all of it the
    /// profiler's with the mirror), and the same less sets of a plain one (the profiler's part when the callback is on
    /// Activity's own AsyncLocal).
    /// </summary>
    private static void MeasureSetPrices()
    {
        (long cheapestWithCallback, long cheapestPlain) = RestoringCallersContext(() =>
        {
            long withCallback = long.MaxValue;
            long plain = long.MaxValue;
            for (int repeat = 0; repeat < CalibrationRepeats; repeat++)
            {
                withCallback = Math.Min(withCallback, TimeSets(CurrentSpan));
                plain = Math.Min(plain, TimeSets(CalibrationPlain));
            }

            return (withCallback, plain);
        });
        _nsPerSet = NsPerCalibrationChange(cheapestWithCallback);
        _nsPerHookedSet = NsPerCalibrationChange(cheapestWithCallback - cheapestPlain);
    }

    /// <summary>
    /// Runs a calibration that sets AsyncLocals on the calling thread, then puts the thread's execution context back as
    /// it was, even if the calibration threw.
    /// </summary>
    private static T RestoringCallersContext<T>(Func<T> calibration)
    {
        ExecutionContext? caller = ExecutionContext.Capture();
        try
        {
            return calibration();
        }
        finally
        {
            if (caller is not null)
            {
                ExecutionContext.Restore(caller);
            }
        }
    }

    /// <summary>The nanoseconds per change of a calibration loop's Stopwatch ticks: two changes per iteration, clamped.</summary>
    private static double NsPerCalibrationChange(long ticks) =>
        Math.Clamp(Nanoseconds(ticks) / (2.0 * CalibrationSwitches), 0, MaxNsPerChange);

    private static double Nanoseconds(long stopwatchTicks) => stopwatchTicks * 1e9 / Stopwatch.Frequency;

    /// <summary>
    /// Sets <paramref name="local"/> and clears it again, as the app does when it starts and stops a span (and the
    /// tracker with the mirror): with the tracker's callback when it is the mirror, without when it is the plain one.
    /// </summary>
    private static long TimeSets(AsyncLocal<Activity?> local)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < CalibrationSwitches; i++)
        {
            local.Value = CalibrationSpan;
            local.Value = null;
        }

        return Stopwatch.GetTimestamp() - start;
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
