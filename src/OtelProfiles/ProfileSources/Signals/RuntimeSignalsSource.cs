using System.Diagnostics.Tracing;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>
/// The lock contention and exception profiles: one runtime event session with the contention and exception
/// keywords, read on its own thread into the <see cref="ContentionRecorder"/> and <see cref="ExceptionRecorder"/>.
/// The session holds no state worth keeping, so a switch simply reopens it with the new keywords.
/// </summary>
internal sealed class RuntimeSignalsSource : IProfileSource
{
    /// <summary>Contended lock acquisitions; every contention is counted (period 1).</summary>
    public static readonly ProfileTypeDescriptor Contentions = new("contentions", "count", "mutex", "count");

    /// <summary>Time spent waiting for contended locks.</summary>
    public static readonly ProfileTypeDescriptor ContentionDelay = new("delay", "nanoseconds", "mutex", "count");

    /// <summary>Exceptions thrown; every exception is counted (period 1).</summary>
    public static readonly ProfileTypeDescriptor Exceptions = new("exceptions", "count", "exceptions", "count");

    private const ProfileTypes SignalTypes = ProfileTypes.Contention | ProfileTypes.Exceptions;

    private readonly object _gate = new();
    private ProfileSourceContext? _context;
    private LabelTable _exceptionTypes = new();
    private RuntimeEventsSession? _session;
    private long _keywords;
    private ContentionRecorder? _contention;
    private ExceptionRecorder? _exceptions;
    private ProfileTypes _active;

    /// <summary>The runtime signals family: available wherever the profiler runs.</summary>
    public static ProfileSourceFamily Family { get; } = new(
        "runtime signals",
        [
            new(ProfileTypes.Contention, "lock", SampleCounting.Values(Contentions)),
            new(ProfileTypes.Exceptions, "exception", SampleCounting.Values(Exceptions)),
        ],
        ProfileSourceFamily.AlwaysAvailable,
        ProfileSourceFamily.NoNote,
        () => new RuntimeSignalsSource());

    ProfileSourceFamily IProfileSource.Family => Family;

    public void Start(ProfileSourceContext context)
    {
        lock (_gate)
        {
            _context = context;
            _exceptionTypes = new LabelTable();
            _active = ProfileTypes.None;
        }
    }

    public void Narrow(ProfileTypes types)
    {
        lock (_gate)
        {
            ApplyLocked(types & _active);
        }
    }

    public ProfileTypes Apply(ProfileTypes types)
    {
        lock (_gate)
        {
            return ApplyLocked(types);
        }
    }

    public IIntervalProfiles? TakeInterval(IntervalSamples interval)
    {
        lock (_gate)
        {
            if (_contention is null && _exceptions is null)
            {
                return null;
            }

            var profiles = new SignalIntervalProfiles(_contention?.TakeInterval(), _exceptions?.TakeInterval(), _exceptionTypes);

            // Recorders of types switched off have handed over their last data.
            if ((_active & ProfileTypes.Contention) == 0)
            {
                _contention = null;
            }

            if ((_active & ProfileTypes.Exceptions) == 0)
            {
                _exceptions = null;
            }

            return profiles;
        }
    }

    private ProfileTypes ApplyLocked(ProfileTypes requested)
    {
        if (_context is not { } context)
        {
            return ProfileTypes.None;
        }

        ProfileTypes types = requested & context.Support.Available & SignalTypes;
        bool contention = (types & ProfileTypes.Contention) != 0;
        bool exceptions = (types & ProfileTypes.Exceptions) != 0;
        long keywords = (contention ? ProfileEvents.ContentionKeyword : 0) | (exceptions ? ProfileEvents.ExceptionKeyword : 0);
        if (keywords == _keywords)
        {
            _active = types;
            return types;
        }

        // Stopping first flushes the events of the old keywords into their recorders.
        _session?.Dispose();
        _session = null;
        _keywords = 0;
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
            var sink = new SignalEventsSink(_exceptionTypes, context.Threads, contention ? _contention : null, exceptions ? _exceptions : null);
            _session = context.TryStartEventSession(
                keywords, EventLevel.Informational, bufferMB: 16, "OtelProfiles.LockAndExceptionEvents", "lock and exception events", sink);
            if (_session is null)
            {
                _active = ProfileTypes.None;
                return _active;
            }

            _keywords = keywords;
        }

        _active = types;
        return types;
    }
}
