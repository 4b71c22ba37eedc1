using OtelProfiles.Aggregation;

namespace OtelProfiles.Tests.Aggregation;

public sealed class SampleTableTests
{
    [Fact]
    public void Merges_identical_stacks_per_thread_and_counts_cpu_only_for_managed_samples()
    {
        var table = new SampleTable();
        table.Record([1, 2, 3], threadId: 10, runningManagedCode: true);
        table.Record([1, 2, 3], threadId: 10, runningManagedCode: false);
        table.Record([1, 2, 3], threadId: 11, runningManagedCode: true);
        table.Record([4, 2, 3], threadId: 10, runningManagedCode: true);

        Assert.Equal(2, table.Stacks.Count);
        Assert.Equal(3, table.RowCount);
        Assert.Equal(4, table.SampleCount);
        Assert.Equal(3, table.MaxSamplesPerThread);
        var rows = table.Rows.ToDictionary(r => r.Key, r => r.Value);
        int stack = table.Stacks.Intern([1, 2, 3]);
        Assert.Equal(1, rows[new SampleKey(stack, 10)].Cpu);
        Assert.Equal(2, rows[new SampleKey(stack, 10)].Wall);
        Assert.Equal(1, rows[new SampleKey(stack, 11)].Wall);
    }

    [Fact]
    public void Interner_keeps_thousands_of_distinct_stacks_apart_and_finds_them_again()
    {
        var interner = new StackInterner();
        var ids = new List<int>();
        for (ulong i = 0; i < 5000; i++)
        {
            ids.Add(interner.Intern([i, i * 7, 42]));
        }

        Assert.Equal(5000, interner.Count);
        Assert.Equal(5000, ids.Distinct().Count());
        for (ulong i = 0; i < 5000; i += 97)
        {
            Assert.Equal(ids[(int)i], interner.Intern([i, i * 7, 42]));
            Assert.Equal(new ulong[] { i, i * 7, 42 }, interner.Get(ids[(int)i]).ToArray());
        }

        Assert.NotEqual(interner.Intern([1, 7]), interner.Intern([1, 7, 42]));
        interner.Clear();
        Assert.Equal(0, interner.Count);
        Assert.Equal(0, interner.Intern([9]));
    }

    [Fact]
    public void Recording_a_known_stack_allocates_nothing()
    {
        var table = new SampleTable();
        ulong[] stack = [0x1000, 0x2000, 0x3000, 0x4000];
        table.Record(stack, 1, true);
        table.Record(stack, 1, false);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            table.Record(stack, 1, (i & 1) == 0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Period_is_the_interval_over_the_ticks_of_the_most_sampled_thread()
    {
        var table = new SampleTable();
        for (int tick = 0; tick < 100; tick++)
        {
            table.Record([1], threadId: 1, runningManagedCode: true);
            if (tick % 2 == 0)
            {
                table.Record([2], threadId: 2, runningManagedCode: false);
            }
        }

        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var interval = new IntervalSamples(table, start, start.AddSeconds(1), SamplingIntervalNs: 1_000_000);

        Assert.Equal(100, interval.TicksObserved);
        Assert.Equal(10_000_000, interval.EffectivePeriodNs);
        Assert.Equal(100, interval.EffectiveFrequencyHz, 3);

        var empty = new IntervalSamples(new SampleTable(), start, start.AddSeconds(1), 2_000_000);
        Assert.Equal(2_000_000, empty.EffectivePeriodNs);
    }
}
