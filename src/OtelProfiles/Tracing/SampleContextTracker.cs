using System.Collections.Concurrent;
using System.Diagnostics;
using OtelProfiles.Collection;

namespace OtelProfiles.Tracing;

/// <summary>
/// Keeps, for every OS thread, the history of its current span and tags, for the recorders to join samples with
/// (<see cref="At"/>).
/// </summary>
/// <remarks>
/// The runtime calls an AsyncLocal's change callback on the thread whenever its value changes there: when code sets
/// it, and when an execution context flows in or out (an <c>await</c> that resumes on another thread, a work item
/// that starts or ends). <see cref="Activity"/> keeps its current value in an AsyncLocal created without one, so the
/// tracker gives it one (<see cref="ActivityCurrentHook"/>). Where that cannot be done (another version of
/// System.Diagnostics.DiagnosticSource), the tracker mirrors each set, heard through
/// <see cref="Activity.CurrentChanged"/>, into an AsyncLocal of its own that has a callback: the mirror flows with the
/// execution context exactly like <see cref="Activity.Current"/>, at the price of a second execution context per set.
/// The <see cref="ProfileTags"/> scopes have a callback of their own. The callback costs a thread-static lookup, a
/// clock read and three stores. Nothing runs while no profiler is running; a value still flowing after a stop is
/// ignored.
/// <para>
/// When only the sampler needs links (no event-based profile type is on: <see cref="SamplerWindowsOnly"/>), samples
/// exist only inside the sampler's windows, so outside them the callback keeps just the thread's current span and
/// tags (two stores) and skips the clock and the history: on an ASP.NET Core app, where every <c>await</c> in a
/// request changes the mirror twice, that is most of the cost. When a window opens,
/// <see cref="OpenSamplerWindow"/> notes every thread's current span and tags as of then, which answers for that
/// thread's samples until it records its next change.
/// </para>
/// </remarks>
internal static partial class SampleContextTracker
{
    /// <summary>How far back samples may arrive (EventPipe delivers them within a few seconds).</summary>
    private static readonly long KeepTimestamps = Stopwatch.Frequency * 30;

    private static readonly AsyncLocal<Activity?> CurrentSpan = new(OnSpanChanged);
    private static readonly Action<AsyncLocalValueChangedArgs<Activity?>> HookHandler = OnActivityCurrentHooked;
    private static readonly ConcurrentDictionary<long, ThreadContextHistory> Histories = new();
    private static readonly object Gate = new();

    [ThreadStatic]
    private static ThreadContextHistory? _history;

    private static volatile bool _tracking;

    // Whether this run hears of span changes through the callback on Activity.Current's own AsyncLocal (else the mirror).
    private static volatile bool _hooked;

    // Whether changes go into the histories now: always, unless only the sampler needs links and no window is open.
    private static volatile bool _samplerWindowsOnly;
    private static volatile bool _windowOpen;

    // False until some thread records a change: until then (an app without spans or tags) a sample's lookup is one read.
    private static volatile bool _anyHistory;
    private static int _generation;
    private static volatile ProfileSpanLinks _links;
    private static long _unknown;

    /// <summary>True while a profiler run keeps histories.</summary>
    public static bool IsTracking => _tracking;

    /// <summary>
    /// Whether span changes come from a callback on <see cref="Activity.Current"/>'s own AsyncLocal in this run (false:
    /// through the mirror, or no span links).
    /// </summary>
    public static bool HooksActivityCurrent => _hooked;

    /// <summary>Tests only: use the mirror even where the callback on Activity.Current's AsyncLocal can be had.</summary>
    internal static bool PreferMirror { get; set; }

    /// <summary>The span choice in force.</summary>
    public static ProfileSpanLinks Links => _links;

    /// <summary>
    /// Span tracking's share of the cores when the budget turned span links off in this run
    /// (<see cref="StopSpanLinks"/>); null while they are on or were never asked for.
    /// </summary>
    public static double? SpanLinksStoppedAtShare { get; private set; }

    /// <summary>Samples whose context could not be told (the thread's history no longer reached back to them).</summary>
    public static long UnknownContexts => Interlocked.Read(ref _unknown);

    /// <summary>Starts keeping histories, linking the spans <paramref name="links"/> selects.</summary>
    public static void Start(ProfileSpanLinks links)
    {
        lock (Gate)
        {
            if (_tracking)
            {
                Activity.CurrentChanged -= OnActivityCurrentChanged;
            }

            _links = links;
            SpanLinksStoppedAtShare = null;
            _hooked = false;
            if (links != ProfileSpanLinks.None)
            {
                if (!PreferMirror && ActivityCurrentHook.TryInstall(HookHandler))
                {
                    _hooked = true;
                }
                else
                {
                    Activity.CurrentChanged += OnActivityCurrentChanged;
                }
            }

            _tracking = true;
        }
    }

    /// <summary>Stops keeping histories and lets go of them.</summary>
    public static void Stop()
    {
        lock (Gate)
        {
            if (_tracking)
            {
                Activity.CurrentChanged -= OnActivityCurrentChanged;
                _tracking = false;

                // Threads keep their history object until they record again: it lets go of what it holds now.
                foreach (ThreadContextHistory history in Histories.Values)
                {
                    history.Forget(long.MaxValue);
                }

                Histories.Clear();
                _anyHistory = false;
                _samplerWindowsOnly = false;
                _windowOpen = false;
                Interlocked.Increment(ref _generation);
            }
        }
    }

    /// <summary>
    /// Turns span links off for the rest of this run, because keeping them current cost
    /// <paramref name="trackingShareOfCores"/> of the cores, the whole overhead budget (see
    /// <see cref="Collection.SpanTrackingLimit"/>): sets of <see cref="Activity.Current"/> no longer reach the tracker,
    /// mirror values still flowing in the app's execution contexts are ignored, and samples carry no span from now on.
    /// Tags (<see cref="ProfileTags"/>) are still tracked. The next run (a restart or a change of options) starts with
    /// the configured links again.
    /// </summary>
    public static void StopSpanLinks(double trackingShareOfCores)
    {
        lock (Gate)
        {
            if (_tracking && _links != ProfileSpanLinks.None)
            {
                Activity.CurrentChanged -= OnActivityCurrentChanged;
                _links = ProfileSpanLinks.None;
                SpanLinksStoppedAtShare = trackingShareOfCores;
            }
        }
    }

    /// <summary>
    /// Whether only the sampler's samples need links (no event-based profile type is on): histories are then kept
    /// only while a sampler window is open. Set by the run whenever its profile types change.
    /// </summary>
    public static bool SamplerWindowsOnly
    {
        get => _samplerWindowsOnly;
        set => _samplerWindowsOnly = value;
    }

    /// <summary>A sampler window opens: record changes from now on, and note what every thread has current now.</summary>
    public static void OpenSamplerWindow()
    {
        _windowOpen = true;
        if (!_tracking || !_anyHistory)
        {
            return;
        }

        // After _windowOpen is set: a thread that changes from here on records the change itself, with its own time.
        long now = Stopwatch.GetTimestamp();
        foreach (ThreadContextHistory history in Histories.Values)
        {
            history.NoteCurrent(now);
        }
    }

    /// <summary>
    /// The sampler window has closed and its stream has been read to the end: changes are no longer recorded if only
    /// the sampler needs them, and then nothing needs what the window recorded either (every sample of it has been
    /// joined): the histories let go of those spans, so that a finished request's span dies young.
    /// </summary>
    public static void CloseSamplerWindow()
    {
        _windowOpen = false;
        if (!_tracking || !_samplerWindowsOnly)
        {
            return;
        }

        foreach (ThreadContextHistory history in Histories.Values)
        {
            history.ForgetAll();
        }
    }

    /// <summary>
    /// What was current on OS thread <paramref name="osThreadId"/> at <paramref name="timestamp"/> (a
    /// <see cref="Stopwatch.GetTimestamp"/> value, as EventPipe timestamps are). Empty when nothing was, or when it
    /// cannot be told: a sample then carries no link rather than a wrong one.
    /// </summary>
    public static SampleContext At(long osThreadId, long timestamp)
    {
        if (!_anyHistory || !_tracking || !Histories.TryGetValue(osThreadId, out ThreadContextHistory? history))
        {
            return default;
        }

        if (!history.TryFind(timestamp, out SampleContext context))
        {
            Interlocked.Increment(ref _unknown);
            return default;
        }

        return context.Span is null ? context : context with { Span = Select(context.Span) };
    }

    /// <summary>Forgets ended threads and what idle threads recorded long ago. Called once an interval.</summary>
    public static void Trim()
    {
        long olderThan = Stopwatch.GetTimestamp() - KeepTimestamps;
        foreach ((long osThreadId, ThreadContextHistory history) in Histories)
        {
            if (!history.Thread.IsAlive)
            {
                Histories.TryRemove(new KeyValuePair<long, ThreadContextHistory>(osThreadId, history));
            }
            else
            {
                history.Forget(olderThan);
            }
        }
    }

    /// <summary>Called on the thread whose <see cref="ProfileTags"/> scope changed (set, ended, or flowed in or out).</summary>
    internal static void OnTagsChanged(ProfileTagSet? tags)
    {
        if (_tracking)
        {
            Record(null, tags, spanChanged: false);
        }
    }

    private static void OnActivityCurrentChanged(object? sender, ActivityChangedEventArgs change)
    {
        // Setting the mirror calls OnSpanChanged on this thread, and from now on wherever the context flows.
        if (_tracking)
        {
            try
            {
                // One set in SetTimingStride is timed here, where it runs: its cost depends on the app's execution
                // context and caches, which no calibration loop has.
                bool timed = _history is { } before && before.TimesNextSet;
                long start = timed ? Stopwatch.GetTimestamp() : 0;
                CurrentSpan.Value = change.Current;

                // The set's callback has just recorded the change on this thread (and made its history): it also
                // counts the set, which costs the app more than a change carried by a context switch.
                _history?.CountSet(timed ? Stopwatch.GetTimestamp() - start : -1);
            }
            catch (Exception)
            {
                // The app's Activity.Current setter must never fail because of the profiler.
            }
        }
    }

    private static void OnActivityCurrentHooked(AsyncLocalValueChangedArgs<Activity?> change)
    {
        // Called by the runtime inside the app's set of Activity.Current, or inside a switch of execution contexts:
        // nothing here may throw (Record catches), and it returns at once outside a run that links spans this way.
        if (_tracking && _hooked && _links != ProfileSpanLinks.None)
        {
            Record(change.CurrentValue, null, spanChanged: true);
            if (!change.ThreadContextChanged)
            {
                // The app set it: a set costs a little more than a switch does (the runtime registers the callback).
                _history?.CountSet(-1);
            }
        }
    }

    private static void OnSpanChanged(AsyncLocalValueChangedArgs<Activity?> change)
    {
        if (_tracking && _links != ProfileSpanLinks.None)
        {
            Record(change.CurrentValue, null, spanChanged: true);
        }
    }

    private static void Record(Activity? span, ProfileTagSet? tags, bool spanChanged)
    {
        try
        {
            ThreadContextHistory? history = _history;
            if (history is null || history.Generation != _generation)
            {
                history = CreateHistory();
            }

            history.CountChange();
            if (spanChanged)
            {
                history.CurrentSpan = span;
            }
            else
            {
                history.CurrentTags = tags;
            }

            if (_windowOpen || !_samplerWindowsOnly)
            {
                history.Append(Stopwatch.GetTimestamp());
            }
        }
        catch (Exception)
        {
            // A change callback that throws fails the app's code (the runtime treats it as fatal): never.
        }
    }

    private static ThreadContextHistory CreateHistory()
    {
        var history = new ThreadContextHistory(OsThreadId.Current(), Thread.CurrentThread, _generation)
        {
            // What flowed in before this thread's first change (or before this start of the profiler).
            CurrentSpan = _hooked ? Activity.Current : CurrentSpan.Value,
            CurrentTags = ProfileTags.Current,
        };
        _history = history;

        // A new thread may reuse the id of one that ended: the new history replaces the old one. Without an OS
        // thread id (an unsupported OS) samples cannot be joined: the history is kept but never read.
        if (history.OsThreadId > 0)
        {
            Histories[history.OsThreadId] = history;
            _anyHistory = true;
        }

        return history;
    }

    private static Activity? Select(Activity span) => _links switch
    {
        ProfileSpanLinks.All => span,
        ProfileSpanLinks.Recorded => span.Recorded ? span : null,
        ProfileSpanLinks.LocalRoot => LocalRoot(span),
        _ => null,
    };

    /// <summary>The outermost span of this process above <paramref name="span"/> (its parent may be remote).</summary>
    public static Activity LocalRoot(Activity span)
    {
        Activity root = span;
        for (int depth = 0; depth < 64 && root.Parent is { } parent; depth++)
        {
            root = parent;
        }

        return root;
    }
}
