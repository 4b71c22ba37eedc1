using OtelProfiles.ProfileSources.Signals;

namespace OtelProfiles.Tests.Collection.Events;

public sealed class ContentionRecorderTests
{
    [Fact]
    public void Each_stop_counts_one_wait_on_the_stack_of_its_threads_start()
    {
        var recorder = new ContentionRecorder();
        recorder.SetClock(1_000_000_000);
        recorder.OnStart(threadId: 1, timestamp: 100, stack: [0x10, 0x20]);
        recorder.OnStart(threadId: 2, timestamp: 150, stack: [0x30]);
        recorder.OnStop(threadId: 2, timestamp: 400, durationNs: -1);     // no duration in the event: timestamps
        recorder.OnStop(threadId: 1, timestamp: 900, durationNs: 700);    // the runtime's measured wait
        recorder.OnStop(threadId: 1, timestamp: 950, durationNs: 10);     // no matching start

        var table = recorder.TakeInterval();
        var rows = table.Rows.ToDictionary(r => r.Key.ThreadId, r => (r.Value.First, r.Value.Second, Stack: table.Stacks.Get(r.Key.StackId).ToArray()));
        Assert.Equal((1.0, 700.0), (rows[1].First, rows[1].Second));
        Assert.Equal([0x10UL, 0x20UL], rows[1].Stack);
        Assert.Equal((1.0, 250.0), (rows[2].First, rows[2].Second));
        Assert.Equal(1, recorder.UnmatchedStops);
        Assert.Empty(recorder.TakeInterval().Rows);
    }
}
