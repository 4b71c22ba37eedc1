using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// The one runtime-provider session a run opens for all its event-based profiles (memory, locks, exceptions),
/// read on one profiler thread and handed to every subscribed source's sink. Its keywords are the union of what
/// the subscribers need and its level the highest they ask for. EventPipe cannot change the keywords of an open
/// session, so a change of the union reopens it: stopping the old session first flushes its events into the old
/// sinks, then every subscriber gets a sink for the new stream. The session stays as it is while the union and
/// the subscribers stay the same, and closes when the last subscriber leaves.
/// </summary>
/// <remarks>
/// Called by the sources' <see cref="IProfileSource.Apply"/> and <see cref="IProfileSource.Narrow"/>, which come from
/// one thread at a time; a run calls them through <see cref="ApplyAll"/> and <see cref="NarrowAll"/>, so the session
/// changes once all sources are set. A subscriber's <see cref="EventSubscription.CreateSink"/> may therefore run
/// after its own call, inside another source's call or at the end of those two.
/// </remarks>
internal sealed class ProfileEventsSession : IDisposable
{
    /// <summary>The name of the profiler thread that reads the session.</summary>
    public const string ReaderThreadName = "OtelProfiles.ProfileEvents";

    private readonly EventPipeSessions _sessions;
    private readonly ProfilerThreads _threads;
    private readonly ProfilerFailures _failures;
    private readonly object _gate = new();

    // In the order the sources subscribed: their sinks get each event in this order.
    private readonly List<(object Owner, EventSubscription Subscription)> _subscribers = [];
    private RuntimeEventsSession? _session;
    private long _keywords;
    private EventLevel _level;
    private int _opened;
    private bool _subscribersChanged;
    private int _deferred;

    public ProfileEventsSession(EventPipeSessions sessions, ProfilerThreads threads, ProfilerFailures failures)
    {
        _sessions = sessions;
        _threads = threads;
        _failures = failures;
    }

    /// <summary>The keywords of the open session (0 while none is open).</summary>
    public long Keywords
    {
        get
        {
            lock (_gate)
            {
                return _session is null ? 0 : _keywords;
            }
        }
    }

    /// <summary>How many times a session was opened in this run (tests: a switch that keeps the union opens none).</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>
    /// Sets what <paramref name="owner"/> needs (null: nothing any more) and opens, reopens or closes the session
    /// when the union of needs or the set of subscribers changed (once all are set, inside <see cref="NarrowAll"/>
    /// and <see cref="ApplyAll"/>). Returns false when the session <paramref name="owner"/> needs could not be
    /// opened (reported; the owner's types stay off and its subscription is dropped).
    /// </summary>
    public bool Set(object owner, EventSubscription? subscription)
    {
        lock (_gate)
        {
            int index = _subscribers.FindIndex(s => ReferenceEquals(s.Owner, owner));
            if (subscription is null)
            {
                if (index >= 0)
                {
                    _subscribers.RemoveAt(index);
                    _subscribersChanged = true;
                }
            }
            else if (index >= 0)
            {
                _subscribers[index] = (owner, subscription);
            }
            else
            {
                _subscribers.Add((owner, subscription));
                _subscribersChanged = true;
            }

            return _deferred > 0 || Sync(owner, subscription);
        }
    }

    /// <summary>
    /// Narrows every source (a switch's first half, the end of a run) and then closes or reopens the session once,
    /// instead of once per source.
    /// </summary>
    public void NarrowAll(IEnumerable<IProfileSource> sources, ProfileTypes types)
    {
        using (DeferChanges())
        {
            foreach (IProfileSource source in sources)
            {
                source.Narrow(types);
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="types"/> to every source and then opens or reopens the session once, instead of once
    /// per source that adds keywords. Returns the types collected now.
    /// </summary>
    public ProfileTypes ApplyAll(IReadOnlyList<IProfileSource> sources, ProfileTypes types)
    {
        ProfileTypes active = ProfileTypes.None;
        Deferral changes = DeferChanges();
        try
        {
            foreach (IProfileSource source in sources)
            {
                active |= source.Apply(types);
            }
        }
        finally
        {
            changes.Dispose();
        }

        if (changes.Applied)
        {
            return active;
        }

        // The session did not open (reported): applied one by one, each source learns whether its own did.
        active = ProfileTypes.None;
        foreach (IProfileSource source in sources)
        {
            active |= source.Apply(types);
        }

        return active;
    }

    /// <summary>
    /// Holds the session's changes until the returned scope ends. While held, <see cref="Set"/> answers true: a
    /// source that narrows needs no new session; <see cref="ApplyAll"/> applies again when the held changes fail.
    /// </summary>
    private Deferral DeferChanges()
    {
        lock (_gate)
        {
            _deferred++;
        }

        return new Deferral(this);
    }

    private bool EndDeferral()
    {
        lock (_gate)
        {
            return --_deferred > 0 || Sync(owner: null, subscription: null);
        }
    }

    private bool Sync(object? owner, EventSubscription? subscription)
    {
        (long keywords, EventLevel level, _) = Union(_subscribers);
        if (_session is not null && !_subscribersChanged && keywords == _keywords && level == _level)
        {
            return true;
        }

        _subscribersChanged = false;
        bool narrowing = _session is not null && (keywords & ~_keywords) == 0;
        Close();
        if (_subscribers.Count == 0 || TryOpen(narrowing))
        {
            return true;
        }

        if (owner is not null && subscription is not null)
        {
            // The others go on with what they had, without this owner's new needs.
            _subscribers.RemoveAll(s => ReferenceEquals(s.Owner, owner));
            if (_subscribers.Count > 0)
            {
                TryOpen(narrowing: false);
            }
        }

        return subscription is null;
    }

    /// <summary>
    /// Closes the session if it is still open and drops the subscribers. A run's end narrows every source first, which
    /// closes it already; this is for what a source left open.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _subscribers.Clear();
            Close();
        }
    }

    private void Close()
    {
        // Stopping waits for the runtime to flush: every event of the old session reaches the old sinks.
        _session?.Dispose();
        _session = null;
        _keywords = 0;
    }

    private bool TryOpen(bool narrowing)
    {
        (long keywords, EventLevel level, int bufferMB) = Union(_subscribers);
        string what = string.Join(" and ", _subscribers.Select(s => s.Subscription.What));
        EventPipeSession started;
        try
        {
            started = _sessions.StartProfileEvents(keywords, level, bufferMB);
        }
        catch (Exception ex)
        {
            _failures.Report("opening the session for " + what, ex);
            return false;
        }

        // The sinks are made once the session is open (its events wait in the runtime's buffer until read), so a
        // session that did not open leaves the sources' state as it was.
        INetTraceEventSink[] sinks = [.. _subscribers.Select(s => s.Subscription.CreateSink(narrowing))];
        INetTraceEventSink sink = sinks.Length == 1 ? sinks[0] : new FanOutEventSink(sinks);
        _session = new RuntimeEventsSession(started, ReaderThreadName, sink, _threads, ex => _failures.ThreadDied("reading " + what, ex));
        _keywords = keywords;
        _level = level;
        Interlocked.Increment(ref _opened);
        return true;
    }

    private static (long Keywords, EventLevel Level, int BufferMB) Union(List<(object Owner, EventSubscription Subscription)> subscribers)
    {
        long keywords = 0;
        EventLevel level = EventLevel.LogAlways;
        int bufferMB = 0;
        foreach ((_, EventSubscription subscription) in subscribers)
        {
            keywords |= subscription.Keywords;
            level = (EventLevel)Math.Max((int)level, (int)subscription.Level);
            bufferMB += subscription.BufferMB;
        }

        return (keywords, level, bufferMB);
    }

    private sealed class Deferral(ProfileEventsSession events) : IDisposable
    {
        private int _ended;

        /// <summary>Whether the held changes took effect (the session opened if one was needed).</summary>
        public bool Applied { get; private set; } = true;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                Applied = events.EndDeferral();
            }
        }
    }
}
