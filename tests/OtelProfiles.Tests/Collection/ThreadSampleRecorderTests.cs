using OtelProfiles.Aggregation;
using OtelProfiles.Collection;

namespace OtelProfiles.Tests.Collection;

public sealed class ThreadSampleRecorderTests
{
    private static readonly DateTime Start = new(2026, 11, 27, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_recycled_table_is_emptied_and_filled_again_by_a_later_interval()
    {
        var recorder = new ThreadSampleRecorder(new ProfilerThreads(), Start);
        IntervalSamples first = recorder.TakeInterval(Start.AddSeconds(15));
        first.Samples.Record([1, 2, 3], threadId: 7, runningManagedCode: true);

        IntervalSamples second = recorder.TakeInterval(Start.AddSeconds(30));
        recorder.Recycle(first.Samples);

        Assert.Equal(0, first.Samples.SampleCount);
        Assert.Equal(0, first.Samples.RowCount);
        Assert.Equal(0, first.Samples.Stacks.Count);
        IntervalSamples third = recorder.TakeInterval(Start.AddSeconds(45));
        Assert.NotSame(first.Samples, second.Samples);
        Assert.NotSame(first.Samples, third.Samples);
        IntervalSamples fourth = recorder.TakeInterval(Start.AddSeconds(60));
        Assert.Same(first.Samples, fourth.Samples);
    }

    [Fact]
    public void A_table_handed_back_twice_is_not_emptied_while_it_is_being_filled_again()
    {
        var recorder = new ThreadSampleRecorder(new ProfilerThreads(), Start);
        IntervalSamples first = recorder.TakeInterval(Start.AddSeconds(15));
        recorder.Recycle(first.Samples);
        recorder.TakeInterval(Start.AddSeconds(30));

        // The recycled table is the current interval's now: the reader's samples land in it.
        first.Samples.Record([4, 5], threadId: 9, runningManagedCode: false);
        recorder.Recycle(first.Samples);

        IntervalSamples third = recorder.TakeInterval(Start.AddSeconds(45));
        Assert.Same(first.Samples, third.Samples);
        Assert.Equal(1, third.Samples.SampleCount);
    }
}
