using System.Diagnostics.Tracing;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// The skeleton of a source whose profiles come from runtime events (memory, locks, exceptions): it subscribes
/// to the run's shared <see cref="ProfileEventsSession"/> with the keywords its types need, creates the recorder of
/// a type switched on, and drops the recorder of a type switched off once that recorder has handed its last data
/// to <see cref="TakeInterval"/>. A subclass only says what it needs (keywords, buffer, its sink and recorders, its
/// interval profiles); every hook runs under the source's lock.
/// </summary>
internal abstract class EventProfileSource : IProfileSource
{
    private readonly object _gate = new();
    private ProfileSourceContext? _context;
    private ProfileTypes _active;
    private ProfileTypes _wanted;

    ProfileSourceFamily IProfileSource.Family => SourceFamily;

    /// <summary>The family this source belongs to.</summary>
    protected abstract ProfileSourceFamily SourceFamily { get; }

    /// <summary>What the events are for, in failure messages ("memory events").</summary>
    protected abstract string What { get; }

    /// <summary>The runtime provider's level the source needs.</summary>
    protected virtual EventLevel Level => EventLevel.Informational;

    public void Start(ProfileSourceContext context)
    {
        lock (_gate)
        {
            _context = context;
            _active = ProfileTypes.None;
            _wanted = ProfileTypes.None;
            OnRunStart();
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
            if (_context is not { } context || !HasRecorders)
            {
                return null;
            }

            IIntervalProfiles profiles = TakeIntervalLocked(context);

            // Recorders of types switched off have handed over their last data.
            ProfileTypes off = SourceFamily.Types & ~_active;
            if (off != ProfileTypes.None)
            {
                HandOver(off);
            }

            return profiles;
        }
    }

    /// <summary>The runtime provider's keywords <paramref name="types"/> need (0 for none).</summary>
    protected abstract long KeywordsFor(ProfileTypes types);

    /// <summary>The session buffer the events of <paramref name="types"/> need.</summary>
    protected abstract int BufferMBFor(ProfileTypes types);

    /// <summary>A run begins: per-run state (label tables) starts fresh.</summary>
    protected abstract void OnRunStart();

    /// <summary>Creates the recorders of <paramref name="switchedOn"/>, types that were off until now.</summary>
    protected abstract void SwitchOn(ProfileTypes switchedOn);

    /// <summary>Drops the recorders of <paramref name="off"/>: they were off for the whole interval just taken.</summary>
    protected abstract void HandOver(ProfileTypes off);

    /// <summary>Whether any recorder exists (a type is on, or one switched off still has its last interval to give).</summary>
    protected abstract bool HasRecorders { get; }

    /// <summary>
    /// The sink of a newly opened shared session, feeding the recorders of <paramref name="types"/>.
    /// <paramref name="narrowing"/>: the session replaces one with more keywords during a switch's narrowing, so
    /// the interval in progress ends next (see <see cref="EventSubscription.CreateSink"/>).
    /// </summary>
    protected abstract INetTraceEventSink CreateSink(ProfileSourceContext context, ProfileTypes types, bool narrowing);

    /// <summary>
    /// <paramref name="types"/> are collected from now on: a sink that goes on (the session was kept) stops or
    /// starts feeding recorders that need no session change.
    /// </summary>
    protected virtual void OnApplied(ProfileTypes types)
    {
    }

    /// <summary>Ends the interval of every recorder there is (types switched off included: their last data).</summary>
    protected abstract IIntervalProfiles TakeIntervalLocked(ProfileSourceContext context);

    private ProfileTypes ApplyLocked(ProfileTypes requested)
    {
        if (_context is not { } context)
        {
            return ProfileTypes.None;
        }

        ProfileTypes types = requested & context.Support.Available & SourceFamily.Types;
        ProfileTypes switchedOn = types & ~_active;
        if (switchedOn != ProfileTypes.None)
        {
            SwitchOn(switchedOn);
        }

        _wanted = types;
        long keywords = KeywordsFor(types);
        EventSubscription? subscription = keywords == 0
            ? null
            : new EventSubscription(keywords, Level, BufferMBFor(types), What, narrowing => CreateSinkFor(context, narrowing));
        if (!context.Events.Set(this, subscription))
        {
            _wanted = ProfileTypes.None;
            _active = ProfileTypes.None;
            return _active;
        }

        _active = types;
        OnApplied(types);
        return types;
    }

    // Called by the shared session, maybe inside another source's switch: the types are those last set here.
    private INetTraceEventSink CreateSinkFor(ProfileSourceContext context, bool narrowing)
    {
        lock (_gate)
        {
            return CreateSink(context, _wanted, narrowing);
        }
    }
}
