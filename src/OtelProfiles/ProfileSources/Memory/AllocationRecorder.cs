using OtelProfiles.Aggregation;
using OtelProfiles.Collection.Events;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Memory;

/// <summary>
/// The allocations profile of the current interval: estimated objects (first value) and bytes (second value) per
/// {allocating stack, thread, type}. Fed by the memory events reader; swapped out by the interval thread.
/// </summary>
internal sealed class AllocationRecorder
{
    private readonly object _gate = new();
    private EventSampleTable _current = new();

    /// <summary>Records one AllocationSampled object of <paramref name="size"/> bytes with its unbiased weight.</summary>
    public void RecordSampled(ReadOnlySpan<ulong> stack, long threadId, int typeLabel, ulong size, SampleContext context = default)
    {
        double objects = AllocationWeights.Objects(size);
        double bytes = AllocationWeights.Bytes(size);
        lock (_gate)
        {
            _current.Add(stack, threadId, typeLabel, objects, bytes, context);
        }
    }

    /// <summary>Hands over the interval's table and starts an empty one.</summary>
    public EventSampleTable TakeInterval()
    {
        lock (_gate)
        {
            EventSampleTable finished = _current;
            _current = new EventSampleTable();
            return finished;
        }
    }
}
