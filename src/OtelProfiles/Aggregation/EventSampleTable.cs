using System.Runtime.InteropServices;
using OtelProfiles.Tracing;

namespace OtelProfiles.Aggregation;

/// <summary>
/// The rows of one event-based profile (allocations, in-use, lock contention, exceptions) for one interval:
/// {stack, thread, label} → two accumulated values (for example estimated objects and bytes, or contentions and
/// wait nanoseconds). The label is a small integer the recorder gives meaning to (a type name's index). Filled on a
/// reader thread; a row or stack seen before costs a hash lookup and no allocation.
/// </summary>
internal sealed class EventSampleTable
{
    private readonly Dictionary<EventSampleKey, EventSampleValues> _rows = new();

    /// <summary>Distinct raw stacks of this table.</summary>
    public StackInterner Stacks { get; } = new();

    /// <summary>The spans and tags current when this table's events happened (<see cref="EventSampleKey.ContextId"/>).</summary>
    public SampleContextTable Contexts { get; } = new();

    /// <summary>Events recorded.</summary>
    public long EventCount { get; private set; }

    /// <summary>Distinct rows.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Every row, in no particular order.</summary>
    public IEnumerable<KeyValuePair<EventSampleKey, EventSampleValues>> Rows => _rows;

    /// <summary>Adds <paramref name="first"/> and <paramref name="second"/> to the row of this stack, thread and label.</summary>
    public void Add(ReadOnlySpan<ulong> stack, long threadId, int label, double first, double second, SampleContext context = default) =>
        AddToStack(Stacks.Intern(stack), threadId, label, first, second, context);

    /// <summary>Like <see cref="Add"/> for a stack already interned in <see cref="Stacks"/>.</summary>
    public void AddToStack(int stackId, long threadId, int label, double first, double second, SampleContext context = default)
    {
        ref EventSampleValues values = ref CollectionsMarshal.GetValueRefOrAddDefault(_rows, new EventSampleKey(stackId, threadId, label, Contexts.Intern(context)), out _);
        values.First += first;
        values.Second += second;
        EventCount++;
    }
}

/// <summary>Which stack, on which OS thread (0 when the profile has no thread), with which label, span and tags.</summary>
internal readonly record struct EventSampleKey(int StackId, long ThreadId, int Label, int ContextId = 0);

/// <summary>The two accumulated values of a row; their meaning depends on the profile.</summary>
internal struct EventSampleValues
{
    public double First;
    public double Second;
}
