using System.Diagnostics.Tracing;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection.LiveHeap;

namespace OtelProfiles.Collection.Events;

/// <summary>
/// The allocation, in-use, lock and exception profiles: two runtime event sessions, each read on its own thread,
/// opened and closed as profile types are switched on and off. The memory session (allocations and in-use) is
/// kept while its keywords stay the same, because closing it ends in-use tracking; the lock and exception session
/// holds no state and is simply reopened with the new keywords.
/// </summary>
internal sealed class EventProfilers : IDisposable
{
    private readonly EventPipeSessions _sessions;
    private readonly ProfilerThreads _threads;
    private readonly ProfileTypeSupport _support;
    private readonly Action<string, Exception> _onFailure;
    private readonly object _gate = new();
    private readonly LabelTable _allocatedTypes = new();
    private readonly LabelTable _exceptionTypes = new();

    private RuntimeEventsSession? _memorySession;
    private MemoryEventsSink? _memorySink;
    private long _memoryKeywords;
    private RuntimeEventsSession? _signalSession;
    private long _signalKeywords;

    private AllocationRecorder? _allocations;
    private LiveHeapTracker? _liveHeap;
    private ContentionRecorder? _contention;
    private ExceptionRecorder? _exceptions;
    private ProfileTypes _active;

    public EventProfilers(EventPipeSessions sessions, ProfilerThreads threads, ProfileTypeSupport support, Action<string, Exception> onFailure)
    {
        _sessions = sessions;
        _threads = threads;
        _support = support;
        _onFailure = onFailure;
    }

    /// <summary>The event-based profile types being collected now.</summary>
    public ProfileTypes Active
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>
    /// Collects exactly the event-based types of <paramref name="requested"/> this runtime supports. A type switched
    /// off keeps what it collected until the next <see cref="TakeInterval"/>; a type switched on starts empty. A
    /// session that cannot open is reported through the failure callback and its types stay off; nothing throws.
    /// </summary>
    public void Apply(ProfileTypes requested)
    {
        lock (_gate)
        {
            ProfileTypes types = requested & _support.Available & ProfileTypeSupport.EventTypes;
            const ProfileTypes Memory = ProfileTypes.Allocations | ProfileTypes.InUseMemory;
            const ProfileTypes Signals = ProfileTypes.Contention | ProfileTypes.Exceptions;
            if (!ApplyMemory(types))
            {
                types &= ~Memory;
            }

            if (!ApplySignals(types))
            {
                types &= ~Signals;
            }

            _active = types;
        }
    }

    /// <summary>Ends the interval of every event-based profile collected in it.</summary>
    public EventIntervals TakeInterval()
    {
        lock (_gate)
        {
            var intervals = new EventIntervals(
                _allocations?.TakeInterval(),
                _liveHeap?.Snapshot(),
                _contention?.TakeInterval(),
                _exceptions?.TakeInterval(),
                _allocatedTypes,
                _exceptionTypes,
                _support.BackgroundGC);

            // Recorders of types switched off have handed over their last data.
            if ((_active & ProfileTypes.InUseMemory) == 0)
            {
                _liveHeap = null;
            }

            if ((_active & ProfileTypes.Allocations) == 0)
            {
                _allocations = null;
            }

            if ((_active & ProfileTypes.Contention) == 0)
            {
                _contention = null;
            }

            if ((_active & ProfileTypes.Exceptions) == 0)
            {
                _exceptions = null;
            }

            return intervals;
        }
    }

    public void Dispose() => Apply(ProfileTypes.None);

    private bool ApplyMemory(ProfileTypes types)
    {
        bool allocations = (types & ProfileTypes.Allocations) != 0;
        bool inUse = (types & ProfileTypes.InUseMemory) != 0;
        long keywords = MemoryKeywords(allocations, inUse);
        if (keywords != _memoryKeywords)
        {
            // A tracker switched off stays for one last snapshot; the session's end flushed its events.
            _memorySession?.Dispose();
            _memorySession = null;
            _memorySink = null;
            _memoryKeywords = 0;
        }

        if (allocations && (_active & ProfileTypes.Allocations) == 0)
        {
            _allocations = new AllocationRecorder();
        }

        if (keywords != 0 && _memorySession is null)
        {
            if (inUse)
            {
                _liveHeap = new LiveHeapTracker();
            }

            _memorySink = new MemoryEventsSink(_allocatedTypes, _threads, allocations ? _allocations : null, inUse ? _liveHeap : null);
            if (TryStart(keywords, EventLevel.Informational, inUse ? 64 : 16, "OtelProfiles.MemoryEvents", _memorySink, "memory events") is not { } session)
            {
                _memorySink = null;
                return false;
            }

            _memorySession = session;
            _memoryKeywords = keywords;
        }
        else if (_memorySink is not null)
        {
            _memorySink.Allocations = allocations ? _allocations : null;
        }

        return true;
    }

    private bool ApplySignals(ProfileTypes types)
    {
        bool contention = (types & ProfileTypes.Contention) != 0;
        bool exceptions = (types & ProfileTypes.Exceptions) != 0;
        long keywords = (contention ? ProfileEvents.ContentionKeyword : 0) | (exceptions ? ProfileEvents.ExceptionKeyword : 0);
        if (keywords == _signalKeywords)
        {
            return true;
        }

        // Stopping first flushes the events of the old keywords into their recorders.
        _signalSession?.Dispose();
        _signalSession = null;
        _signalKeywords = 0;
        if (contention && (_active & ProfileTypes.Contention) == 0)
        {
            _contention = new ContentionRecorder();
        }

        if (exceptions && (_active & ProfileTypes.Exceptions) == 0)
        {
            _exceptions = new ExceptionRecorder();
        }

        if (keywords != 0)
        {
            var sink = new SignalEventsSink(_exceptionTypes, _threads, contention ? _contention : null, exceptions ? _exceptions : null);
            _signalSession = TryStart(keywords, EventLevel.Informational, 16, "OtelProfiles.LockAndExceptionEvents", sink, "lock and exception events");
            if (_signalSession is null)
            {
                return false;
            }

            _signalKeywords = keywords;
        }

        return true;
    }

    private RuntimeEventsSession? TryStart(long keywords, EventLevel level, int bufferMB, string threadName, NetTrace.INetTraceEventSink sink, string what)
    {
        try
        {
            return new RuntimeEventsSession(
                _sessions.StartProfileEvents(keywords, level, bufferMB), threadName, sink, _threads, ex => _onFailure("reading " + what, ex));
        }
        catch (Exception ex)
        {
            _onFailure("opening the session for " + what, ex);
            return null;
        }
    }

    private long MemoryKeywords(bool allocations, bool inUse)
    {
        long keywords = allocations || inUse ? ProfileEvents.AllocationSamplingKeyword : 0;
        return inUse ? keywords | ProfileEvents.GCKeyword | ProfileEvents.GCHeapSurvivalAndMovementKeyword : keywords;
    }
}
