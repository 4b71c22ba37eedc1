using OtelProfiles.Aggregation;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>The exceptions profile of the current interval: exceptions thrown (first value) per {throwing stack, thread, type}.</summary>
internal sealed class ExceptionRecorder
{
    private readonly object _gate = new();
    private EventSampleTable _current = new();

    public void OnThrown(ReadOnlySpan<ulong> stack, long threadId, int typeLabel, SampleContext context = default)
    {
        lock (_gate)
        {
            _current.Add(stack, threadId, typeLabel, 1, 0, context);
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
