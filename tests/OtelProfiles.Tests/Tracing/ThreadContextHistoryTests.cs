using System.Diagnostics;
using OtelProfiles.Tracing;

namespace OtelProfiles.Tests.Tracing;

/// <summary>The per-thread ring: the last change at or before a time wins; past its reach it answers "unknown", never a wrong span.</summary>
public sealed class ThreadContextHistoryTests
{
    [Fact]
    public void Finds_what_was_current_at_each_time_and_says_unknown_once_the_ring_no_longer_reaches_back()
    {
        var history = new ThreadContextHistory(42, Thread.CurrentThread, generation: 0);
        var spans = Enumerable.Range(0, 3).Select(i => new Activity($"span{i}")).ToArray();
        Assert.True(history.TryFind(5, out SampleContext before));
        Assert.Null(before.Span); // nothing was ever current

        // Changes at 100, 110, 120, ...: span0, none, span1, none, span2, none, ...
        int changes = ThreadContextHistory.Capacity * 3;
        for (int i = 0; i < changes; i++)
        {
            history.CurrentSpan = i % 2 == 0 ? spans[(i / 2) % 3] : null;
            history.Append(100 + (10 * i));
        }

        long last = 100 + (10 * (changes - 1));
        Assert.True(history.TryFind(last + 5, out SampleContext latest));
        Assert.Null(latest.Span);
        Assert.True(history.TryFind(last - 5, out SampleContext previous));
        Assert.Same(spans[((changes - 2) / 2) % 3], previous.Span);

        // An exact change time belongs to the change.
        Assert.True(history.TryFind(last - 10, out SampleContext exact));
        Assert.Same(spans[((changes - 2) / 2) % 3], exact.Span);

        // Older than the oldest entry kept: unknown, not the oldest span.
        Assert.False(history.TryFind(100 + (10 * (changes - ThreadContextHistory.Capacity - 5)), out _));
        Assert.False(history.TryFind(50, out _));
    }

    [Fact]
    public void Forgetting_old_entries_keeps_the_current_one()
    {
        var history = new ThreadContextHistory(42, Thread.CurrentThread, generation: 0);
        var span = new Activity("kept");
        history.CurrentSpan = new Activity("old");
        history.Append(10);
        history.CurrentSpan = span;
        history.Append(20);

        history.Forget(long.MaxValue);

        Assert.True(history.TryFind(15, out SampleContext forgotten));
        Assert.Null(forgotten.Span);
        Assert.True(history.TryFind(25, out SampleContext current));
        Assert.Same(span, current.Span);
    }
}
