using OtelProfiles.Aggregation;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>
/// The lock contention profile of the current interval: contentions (first value) and nanoseconds waited (second
/// value) per {stack, thread}. A ContentionStart remembers the waiting thread's stack; the matching ContentionStop
/// on the same thread adds one contention and its duration (the event's DurationNs on .NET 8+, else the time
/// between the two events). Each thread keeps one reusable stack buffer, so a contention allocates nothing once
/// its thread has been seen.
/// </summary>
internal sealed class ContentionRecorder
{
    private readonly object _gate = new();
    private readonly Dictionary<long, PendingWait> _pending = new();
    private EventSampleTable _current = new();
    private double _nanosecondsPerTick = 1;

    /// <summary>Contention stops without a start (the session began while the thread waited).</summary>
    public long UnmatchedStops { get; private set; }

    /// <summary>The stream's clock: QPC ticks per second.</summary>
    public void SetClock(long qpcFrequency) => _nanosecondsPerTick = qpcFrequency > 0 ? 1e9 / qpcFrequency : 1;

    public void OnStart(long threadId, long timestamp, ReadOnlySpan<ulong> stack, SampleContext context = default)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(threadId, out PendingWait? wait))
            {
                wait = new PendingWait();
                _pending[threadId] = wait;
            }

            wait.Set(timestamp, stack, context);
        }
    }

    /// <param name="threadId">The thread that waited.</param>
    /// <param name="timestamp">When the wait ended.</param>
    /// <param name="durationNs">The runtime's measured wait, or a negative value when the event has none.</param>
    public void OnStop(long threadId, long timestamp, double durationNs)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(threadId, out PendingWait? wait) || !wait.Active)
            {
                UnmatchedStops++;
                return;
            }

            double waited = durationNs >= 0 ? durationNs : Math.Max(0, (timestamp - wait.Timestamp) * _nanosecondsPerTick);
            _current.Add(wait.Stack, threadId, 0, 1, waited, wait.Context);
            wait.Active = false;
            wait.Context = default;
        }
    }

    /// <summary>Hands over the interval's table and starts an empty one; forgets threads that are not waiting.</summary>
    public EventSampleTable TakeInterval()
    {
        lock (_gate)
        {
            EventSampleTable finished = _current;
            _current = new EventSampleTable();
            if (_pending.Count > 256)
            {
                foreach (long threadId in _pending.Where(p => !p.Value.Active).Select(p => p.Key).ToList())
                {
                    _pending.Remove(threadId);
                }
            }

            return finished;
        }
    }

    /// <summary>A thread's wait in progress: when it began and where.</summary>
    private sealed class PendingWait
    {
        private ulong[] _stack = new ulong[64];
        private int _length;

        public bool Active { get; set; }

        public long Timestamp { get; private set; }

        /// <summary>The span and tags current when the wait began (dropped once it is recorded).</summary>
        public SampleContext Context { get; set; }

        public ReadOnlySpan<ulong> Stack => _stack.AsSpan(0, _length);

        public void Set(long timestamp, ReadOnlySpan<ulong> stack, SampleContext context)
        {
            Context = context;
            if (stack.Length > _stack.Length)
            {
                _stack = new ulong[stack.Length];
            }

            stack.CopyTo(_stack);
            _length = stack.Length;
            Timestamp = timestamp;
            Active = true;
        }
    }
}
