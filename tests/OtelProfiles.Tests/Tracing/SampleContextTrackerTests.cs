using System.Diagnostics;
using OtelProfiles.Collection;
using OtelProfiles.Tracing;

namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// The tracker joins a thread and a timestamp (what EventPipe gives each sample) to the span and tags current there
/// and then: across awaits that resume on other threads, and to nothing once a thread has gone back to the pool.
/// Real thread-pool threads, real awaits, the real OS thread ids and clock the samples carry.
/// </summary>
[Collection(TrackerCollection.Name)]
public sealed class SampleContextTrackerTests : IDisposable
{
    public SampleContextTrackerTests() => SampleContextTracker.Start(ProfileSpanLinks.All);

    public void Dispose()
    {
        SampleContextTracker.Stop();
        SampleContextTracker.PreferMirror = false;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Parts_of_an_async_flow_on_other_threads_join_to_its_span_and_idle_threads_to_nothing(bool mirror)
    {
        RestartWith(mirror);
        (Activity span, List<Point> points) = await RunFlowThatHops(() => new Activity("request").Start());

        Assert.True(points.Select(p => p.ThreadId).Distinct().Count() > 1, "the flow never resumed on another thread");
        Assert.All(points, p => Assert.Same(span, SampleContextTracker.At(p.ThreadId, p.Timestamp).Span));

        // Every thread the flow ran on has gone back to the pool (or on to this test's own code): nothing current.
        await Task.Delay(100);
        long now = Stopwatch.GetTimestamp();
        Assert.All(points.Select(p => p.ThreadId).Distinct(), thread => Assert.Null(SampleContextTracker.At(thread, now).Span));

        // A moment before the flow began, nothing was current on its first thread either.
        Assert.Null(SampleContextTracker.At(points[0].ThreadId, points[0].Timestamp - Stopwatch.Frequency * 5).Span);
    }

    [Fact]
    public async Task Tags_flow_with_the_span_across_hops_inner_scopes_winning()
    {
        var points = new List<(Point Point, string Tier, string? Region)>();
        await Task.Run(async () =>
        {
            using (ProfileTags.Set("test.region", "eu"))
            using (ProfileTags.Set("test.tier", "gold"))
            {
                for (int i = 0; i < 8; i++)
                {
                    points.Add((Point.Here(), "gold", "eu"));
                    await Hop(i);
                }

                using (ProfileTags.Set("test.tier", "platinum"))
                {
                    await Hop(1);
                    points.Add((Point.Here(), "platinum", "eu"));
                }

                await Hop(0);
                points.Add((Point.Here(), "gold", "eu"));
            }
        });

        foreach ((Point point, string tier, string? region) in points)
        {
            ProfileTagSet tags = SampleContextTracker.At(point.ThreadId, point.Timestamp).Tags!;
            Assert.NotNull(tags);
            Assert.Equal(tier, tags.Tags.Single(t => t.Key == "test.tier").Value);
            Assert.Equal(region, tags.Tags.Single(t => t.Key == "test.region").Value);
        }
    }

    [Fact]
    public async Task Recorded_only_leaves_spans_dropped_by_sampling_unlinked()
    {
        SampleContextTracker.Start(ProfileSpanLinks.Recorded);
        (Activity dropped, List<Point> droppedPoints) = await RunFlowThatHops(() => new Activity("dropped") { ActivityTraceFlags = ActivityTraceFlags.None }.Start());
        (Activity recorded, List<Point> recordedPoints) = await RunFlowThatHops(() => new Activity("recorded") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.Start());

        Assert.False(dropped.Recorded);
        Assert.All(droppedPoints, p => Assert.Null(SampleContextTracker.At(p.ThreadId, p.Timestamp).Span));
        Assert.All(recordedPoints, p => Assert.Same(recorded, SampleContextTracker.At(p.ThreadId, p.Timestamp).Span));
    }

    [Fact]
    public async Task Local_root_links_a_child_span_to_the_request_span()
    {
        SampleContextTracker.Start(ProfileSpanLinks.LocalRoot);
        Activity? root = null;
        (Activity child, List<Point> points) = await RunFlowThatHops(() =>
        {
            root = new Activity("GET /checkout").Start();
            return new Activity("db query").Start();
        });

        Assert.Same(root, child.Parent);
        Assert.All(points, p => Assert.Same(root, SampleContextTracker.At(p.ThreadId, p.Timestamp).Span));
    }

    [Fact]
    public void With_only_the_sampler_linking_changes_outside_its_windows_are_kept_as_state_and_noted_when_one_opens()
    {
        SampleContextTracker.SamplerWindowsOnly = true;
        var ready = new ManualResetEventSlim();
        var next = new ManualResetEventSlim();
        Activity? outer = null;
        Activity? inner = null;
        long threadId = 0;
        long changedInWindow = 0;
        var thread = new Thread(() =>
        {
            threadId = OsThreadId.Current();
            outer = new Activity("set-outside-a-window").Start(); // not recorded: no window is open
            ready.Set();
            next.Wait();
            inner = new Activity("set-inside-the-window").Start(); // recorded, with its own time
            changedInWindow = Stopwatch.GetTimestamp();
            inner.Stop();
            outer.Stop();
        });
        thread.Start();
        ready.Wait();
        long beforeWindow = Stopwatch.GetTimestamp();

        // Nothing was recorded: before a window opens the thread's span cannot be told from its history.
        Assert.Null(SampleContextTracker.At(threadId, beforeWindow).Span);

        SampleContextTracker.OpenSamplerWindow();
        long inWindow = Stopwatch.GetTimestamp();
        next.Set();
        thread.Join();

        // The window's samples are joined before it closes (the sampler closes it once its stream has ended). From the
        // window's start the note answers; from the thread's own change on, its entries do.
        Assert.Same(outer, SampleContextTracker.At(threadId, inWindow).Span);
        Assert.Same(inner, SampleContextTracker.At(threadId, changedInWindow).Span);
        Assert.Null(SampleContextTracker.At(threadId, Stopwatch.GetTimestamp()).Span);

        // Closed, the window's spans are let go: nothing joins to them any more.
        SampleContextTracker.CloseSamplerWindow();
        Assert.Null(SampleContextTracker.At(threadId, inWindow).Span);
        Assert.Null(SampleContextTracker.At(threadId, changedInWindow).Span);
    }

    [Fact]
    public void With_only_the_sampler_linking_a_closed_window_keeps_no_finished_request_alive()
    {
        SampleContextTracker.SamplerWindowsOnly = true;
        SampleContextTracker.OpenSamplerWindow();
        (WeakReference[] spans, long threadId, long inWindow) = RunRequestsOnAThread(requests: 50);
        Assert.True(JoinsToASpan(threadId, inWindow), "the window did not record the thread's spans");
        SampleContextTracker.CloseSamplerWindow();

        // The thread's history is an old object; had it kept the spans, every collection would mark and promote them.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int alive = spans.Count(s => s.IsAlive);
        Assert.True(alive == 0, $"{alive} of {spans.Length} finished requests' spans are still reachable after their window closed");
    }

    // In a frame of its own, so the test's frame holds no reference to the span it found.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool JoinsToASpan(long threadId, long timestamp) => SampleContextTracker.At(threadId, timestamp).Span is not null;

    /// <summary>
    /// Runs <paramref name="requests"/> spans one after another on a thread of its own, each started and stopped, and
    /// returns weak references to them, the thread's OS id and a time inside the last one.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (WeakReference[] Spans, long ThreadId, long InLast) RunRequestsOnAThread(int requests)
    {
        var spans = new WeakReference[requests];
        long threadId = 0;
        long inLast = 0;
        var thread = new Thread(() =>
        {
            threadId = OsThreadId.Current();
            for (int i = 0; i < requests; i++)
            {
                var span = new Activity("request").Start();
                spans[i] = new WeakReference(span);
                inLast = Stopwatch.GetTimestamp();
                span.Stop();
            }
        });
        thread.Start();
        thread.Join();
        return (spans, threadId, inLast);
    }

    [Fact]
    public void Nothing_is_joined_while_the_tracker_is_stopped()
    {
        SampleContextTracker.Stop();
        using var span = new Activity("untracked").Start();
        Point here = Point.Here();
        Assert.Null(SampleContextTracker.At(here.ThreadId, here.Timestamp).Span);
    }

    [Fact]
    public async Task Once_the_budget_stops_span_links_spans_set_or_flowing_in_are_neither_joined_nor_charged_but_tags_still_are()
    {
        // A flow that has a span current before the stop, so its mirror value still flows in after it.
        using var before = new Activity("before the stop").Start();
        Point linked = Point.Here();
        Assert.Same(before, SampleContextTracker.At(linked.ThreadId, linked.Timestamp).Span);

        SampleContextTracker.StopSpanLinks(0.02);
        Assert.Equal(0.02, SampleContextTracker.SpanLinksStoppedAtShare);
        SampleContextTracker.TakeTrackingCpu(); // what came before the stop
        long changesBefore = SampleContextTracker.ChangesCharged;

        var points = new List<Point>();
        await Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                using var span = new Activity("after the stop").Start();
                points.Add(Point.Here());
                await Hop(i);
                points.Add(Point.Here());
            }
        });

        Assert.All(points, p => Assert.Null(SampleContextTracker.At(p.ThreadId, p.Timestamp).Span));
        SampleContextTracker.TakeTrackingCpu();
        Assert.True(SampleContextTracker.ChangesCharged - changesBefore < 10, $"{SampleContextTracker.ChangesCharged - changesBefore} changes charged for 50 spans after the stop");

        // Tags are another matter: they go on being joined.
        Point tagged;
        using (ProfileTags.Set("test.tier", "gold"))
        {
            tagged = Point.Here();
        }

        ProfileTagSet? tags = SampleContextTracker.At(tagged.ThreadId, tagged.Timestamp).Tags;
        Assert.NotNull(tags);
        Assert.Equal("gold", tags.Tags.Single(t => t.Key == "test.tier").Value);

        // The next run starts with the links it is configured with.
        SampleContextTracker.Stop();
        SampleContextTracker.Start(ProfileSpanLinks.All);
        Assert.Null(SampleContextTracker.SpanLinksStoppedAtShare);
        using var again = new Activity("next run").Start();
        Point relinked = Point.Here();
        Assert.Same(again, SampleContextTracker.At(relinked.ThreadId, relinked.Timestamp).Span);
    }

    [Fact]
    public async Task Changes_of_the_mirror_on_the_apps_threads_are_counted_and_priced_for_the_budget()
    {
        SampleContextTracker.TakeTrackingCpu(); // what earlier tests left uncharged
        long before = SampleContextTracker.ChangesCharged;
        (_, List<Point> points) = await RunFlowThatHops(() => new Activity("request").Start());
        int hops = points.Count / 2;

        TimeSpan charged = SampleContextTracker.TakeTrackingCpu();
        long changes = SampleContextTracker.ChangesCharged - before;

        // Each hop changes the mirror where the flow leaves a thread and where it resumes: at least one per hop.
        Assert.True(changes >= hops, $"{changes} changes counted for {hops} hops");

        // Priced at what one change measured on this machine: the runtime's notification and the callback, tens of ns.
        double ns = SampleContextTracker.NsPerChange;
        Assert.InRange(ns, 1, 5_000);
        Assert.True(charged >= TimeSpan.FromTicks((long)(hops * ns / 100)), $"{charged.TotalMicroseconds} µs charged for {changes} changes at {ns:0.0} ns");
    }

    [Fact]
    public void Activity_Current_calls_the_tracker_from_its_own_AsyncLocal_so_a_set_costs_the_app_no_second_execution_context()
    {
        // On .NET 10 the callback goes on Activity.Current's own AsyncLocal; the mirror is the fallback.
        Assert.True(SampleContextTracker.HooksActivityCurrent, "the tracker fell back to the mirror on this runtime");
        double hooked = BytesPerSet();
        RestartWith(mirror: true);
        Assert.False(SampleContextTracker.HooksActivityCurrent);
        double mirrored = BytesPerSet();
        SampleContextTracker.Stop();
        double untracked = BytesPerSet();

        // A mirror set allocates an execution context and a value map of its own on top of the app's.
        Assert.True(mirrored - untracked >= 48, $"mirror {mirrored:0.0} B per set, untracked {untracked:0.0} B");
        Assert.True(hooked - untracked < 8, $"hooked {hooked:0.0} B per set, untracked {untracked:0.0} B");

        static double BytesPerSet()
        {
            const int Sets = 2000;
            double perSet = 0;
            var thread = new Thread(() =>
            {
                // Started (Activity.Current refuses a span that is not), then set and cleared as a request would.
                var span = new Activity("request").Start();
                Activity.Current = null;
                for (int i = 0; i < 2; i++)
                {
                    // The first round warms up: the thread's history, the JIT.
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int set = 0; set < Sets / 2; set++)
                    {
                        Activity.Current = span;
                        Activity.Current = null;
                    }

                    perSet = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Sets;
                }
            });
            thread.Start();
            thread.Join();
            return perSet;
        }
    }

    [Fact]
    public void Sets_of_Activity_Current_through_its_own_AsyncLocal_are_counted_and_priced_at_the_callbacks_cost()
    {
        Assert.True(SampleContextTracker.HooksActivityCurrent);
        (TimeSpan charged, long sets, long changes) = ChargeSpansOnAThread(appLocals: false);

        // The app pays for its own execution context either way: what the tracker adds is the callback.
        double perSet = SampleContextTracker.LastNsPerSet;
        Assert.Equal(SampleContextTracker.NsPerHookedSet, perSet);
        Assert.InRange(perSet, 1, 5_000);
        AssertCharged(charged, sets, changes, perSet);
    }

    [Fact]
    public void Sets_of_the_mirror_when_the_app_starts_and_stops_spans_are_counted_and_priced_apart()
    {
        RestartWith(mirror: true);
        (TimeSpan charged, long sets, long changes) = ChargeSpansOnAThread(appLocals: true);

        // A set is priced at what it cost where the app made it (one in 16 timed there), with the calibrated price of a
        // set as the floor, not at the cheaper price of a change that a context switch carries.
        double calibrated = SampleContextTracker.NsPerSet;
        double perSet = SampleContextTracker.LastNsPerSet;
        Assert.InRange(calibrated, 1, 5_000);
        Assert.True(perSet > calibrated * 1.2, $"sets in a context of {AppLocals.Length} AsyncLocals priced at {perSet:0.0} ns, the empty-context calibration at {calibrated:0.0} ns");
        AssertCharged(charged, sets, changes, perSet);
    }

    /// <summary>
    /// Starts and stops 500 spans on a thread of its own (its context first filled with the app's AsyncLocals, when
    /// <paramref name="appLocals"/>), and returns what the tracker charged for them, checked to count two sets a span.
    /// </summary>
    private static (TimeSpan Charged, long Sets, long Changes) ChargeSpansOnAThread(bool appLocals)
    {
        const int Spans = 500;
        SampleContextTracker.TakeTrackingCpu(); // what earlier tests left uncharged
        long setsBefore = SampleContextTracker.SetsCharged;
        long changesBefore = SampleContextTracker.ChangesCharged;
        var thread = new Thread(() =>
        {
            // An app's context carries AsyncLocals of its own (logging scopes, HttpContext, baggage...): every set of the
            // mirror copies them all into a new execution context, which a calibration loop in an empty one does not.
            for (int i = 0; appLocals && i < AppLocals.Length; i++)
            {
                AppLocals[i].Value = i;
            }

            for (int i = 0; i < Spans; i++)
            {
                new Activity("request").Start().Stop(); // Start sets Activity.Current, Stop sets it back
            }
        });
        thread.Start();
        thread.Join();

        TimeSpan charged = SampleContextTracker.TakeTrackingCpu();
        long sets = SampleContextTracker.SetsCharged - setsBefore;
        long changes = SampleContextTracker.ChangesCharged - changesBefore;
        Assert.True(sets >= 2 * Spans, $"{sets} sets counted for {Spans} spans started and stopped");
        Assert.True(changes >= sets, $"{changes} changes, {sets} of them sets");
        return (charged, sets, changes);
    }

    /// <summary>The charge covers the sets at <paramref name="perSet"/> and the other changes at the calibrated price.</summary>
    private static void AssertCharged(TimeSpan charged, long sets, long changes, double perSet)
    {
        double expected = (sets * perSet) + ((changes - sets) * SampleContextTracker.NsPerChange);
        Assert.True(charged.Ticks * 100 >= expected * 0.99, $"{charged.TotalMicroseconds} µs charged for {sets} sets at {perSet:0.0} ns and {changes - sets} other changes");
    }

    /// <summary>Restarts the tracker, hearing of span changes through the mirror or through Activity.Current's own callback.</summary>
    private static void RestartWith(bool mirror)
    {
        SampleContextTracker.Stop();
        SampleContextTracker.PreferMirror = mirror;
        SampleContextTracker.Start(ProfileSpanLinks.All);
    }

    private static readonly AsyncLocal<int>[] AppLocals = Enumerable.Range(0, 12).Select(_ => new AsyncLocal<int>()).ToArray();

    /// <summary>Starts a span in a fresh flow, then awaits until the flow has run on at least two threads.</summary>
    private static async Task<(Activity Span, List<Point> Points)> RunFlowThatHops(Func<Activity> start)
    {
        var points = new List<Point>();
        Activity span = await Task.Run(async () =>
        {
            Activity current = start();
            try
            {
                for (int i = 0; i < 200 && (i < 6 || points.Select(p => p.ThreadId).Distinct().Count() < 2); i++)
                {
                    points.Add(Point.Here());
                    await Hop(i);
                    points.Add(Point.Here());
                }

                return current;
            }
            finally
            {
                for (Activity? a = current; a is not null; a = a.Parent)
                {
                    a.Stop();
                }
            }
        });
        return (span, points);
    }

    private static Task Hop(int i) => i % 2 == 0 ? Task.Delay(1) : Task.Run(() => Thread.SpinWait(1000));

    private readonly record struct Point(long ThreadId, long Timestamp)
    {
        public static Point Here() => new(OsThreadId.Current(), Stopwatch.GetTimestamp());
    }
}
