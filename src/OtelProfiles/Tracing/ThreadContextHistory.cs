using System.Diagnostics;

namespace OtelProfiles.Tracing;

/// <summary>
/// One OS thread's recent changes of its current span and tags, with the time of each, so that a sample delivered
/// later by EventPipe (timestamped on the same monotonic clock as <see cref="Stopwatch.GetTimestamp"/>) can be
/// joined to what was current when it was taken. A fixed ring: written only by its own thread, without locks or
/// allocation; read by the profiler's reader threads, which detect an entry overwritten while they read it and
/// then answer "unknown" rather than a wrong span.
/// </summary>
internal sealed class ThreadContextHistory
{
    /// <summary>Entries kept per thread: at 24 bytes each, 24 KB for a thread that ever ran inside a span.</summary>
    public const int Capacity = 1024;

    private const int Mask = Capacity - 1;

    private readonly Entry[] _entries = new Entry[Capacity];
    private long _written;

    // Entries before this index hold nothing any more (ForgetAll), so the next call starts after them.
    private long _forgotten;

    // Changes of the mirror on this thread: counted by the owner, taken by the sampler's control thread to charge
    // their cost to the budget (see SampleContextTracker.TakeTrackingCpu).
    private long _changes;
    private long _changesTaken;

    // Of those changes, the ones that were sets of the mirror (the app set Activity.Current), which cost an execution
    // context of their own on top of the callback.
    private long _sets;
    private long _setsTaken;

    // Every SetTimingStride-th set is timed on the thread itself (Stopwatch ticks), so a set is priced at what it costs
    // inside this app (its execution context's size, its caches), not only at what a calibration loop measures.
    private long _timedSets;
    private long _timedTicks;
    private long _timedSetsTaken;
    private long _timedTicksTaken;

    // What was current when the last sampler window opened (written by the sampler's thread, see NoteCurrent): it
    // answers for samples after that time until the thread's own next entry, since changes before the window were
    // not recorded when only the sampler needs links.
    private Entry _noted;

    public ThreadContextHistory(long osThreadId, Thread thread, int generation)
    {
        OsThreadId = osThreadId;
        Thread = thread;
        Generation = generation;
    }

    /// <summary>The profiler start this history belongs to (a later start begins new histories).</summary>
    public int Generation { get; }

    /// <summary>The OS thread id EventPipe reports for this thread.</summary>
    public long OsThreadId { get; }

    /// <summary>The managed thread (to forget the history once the thread has ended).</summary>
    public Thread Thread { get; }

    /// <summary>The span current on this thread now (kept by the owning thread only).</summary>
    public Activity? CurrentSpan { get; set; }

    /// <summary>The tags current on this thread now (kept by the owning thread only).</summary>
    public ProfileTagSet? CurrentTags { get; set; }

    /// <summary>Counts one change of the thread's span or tags. Owning thread only.</summary>
    public void CountChange() => Volatile.Write(ref _changes, _changes + 1);

    /// <summary>Sets between two timed ones: a power of two, so the check is a mask.</summary>
    public const int SetTimingStride = 16;

    /// <summary>Whether the next set is one to time. Owning thread only.</summary>
    public bool TimesNextSet => (_sets & (SetTimingStride - 1)) == 0;

    /// <summary>
    /// Counts one set of the mirror (already counted as a change by its callback), with the Stopwatch ticks it took when
    /// it was timed (<see cref="TimesNextSet"/>), else a negative value. Owning thread only.
    /// </summary>
    public void CountSet(long elapsedTicks)
    {
        if (elapsedTicks >= 0)
        {
            Volatile.Write(ref _timedTicks, _timedTicks + elapsedTicks);
            Volatile.Write(ref _timedSets, _timedSets + 1);
        }

        Volatile.Write(ref _sets, _sets + 1);
    }

    /// <summary>
    /// The changes counted since the previous call, how many of them were sets, and the sets timed meanwhile with the
    /// Stopwatch ticks they took. The sampler's control thread only.
    /// </summary>
    public SetCounts TakeChanges()
    {
        long counted = Volatile.Read(ref _changes);
        long sets = Volatile.Read(ref _sets);
        long timedSets = Volatile.Read(ref _timedSets);
        long timedTicks = Volatile.Read(ref _timedTicks);
        var taken = new SetCounts(
            counted - _changesTaken,

            // A set counted before its change was (the callback runs inside the set): never more sets than changes.
            Math.Min(sets - _setsTaken, counted - _changesTaken),
            timedSets - _timedSetsTaken,
            timedTicks - _timedTicksTaken);
        _changesTaken = counted;
        _setsTaken = sets;
        _timedSetsTaken = timedSets;
        _timedTicksTaken = timedTicks;
        return taken;
    }

    /// <summary>Appends the thread's current span and tags as of <paramref name="timestamp"/>. Owning thread only.</summary>
    public void Append(long timestamp)
    {
        long index = _written;
        ref Entry entry = ref _entries[index & Mask];
        entry.Timestamp = timestamp;
        entry.Span = CurrentSpan;
        entry.Tags = CurrentTags;

        // Publishes the entry: a reader that sees the new count sees its fields.
        Volatile.Write(ref _written, index + 1);
    }

    /// <summary>
    /// Notes, from another thread, what is current on this one as of <paramref name="timestamp"/> (a sampler window
    /// opens). The owner's later entries take precedence for samples after them.
    /// </summary>
    public void NoteCurrent(long timestamp)
    {
        Volatile.Write(ref _noted.Timestamp, 0);
        _noted.Span = CurrentSpan;
        _noted.Tags = CurrentTags;
        Volatile.Write(ref _noted.Timestamp, timestamp);
    }

    /// <summary>
    /// What was current at <paramref name="timestamp"/>: false when the history no longer reaches back that far
    /// (or was overwritten while being read), true with an empty context when nothing was current.
    /// </summary>
    public bool TryFind(long timestamp, out SampleContext context)
    {
        context = default;
        long noted = Volatile.Read(ref _noted.Timestamp);
        bool useNoted = noted != 0 && noted <= timestamp;
        long written = Volatile.Read(ref _written);
        if (written == 0)
        {
            if (useNoted)
            {
                context = new SampleContext(_noted.Span, _noted.Tags);
            }

            return true; // nothing else was ever recorded on this thread
        }

        long oldest = Math.Max(0, written - Capacity + 1);
        long low = oldest;
        long high = written - 1;
        long found = -1;

        // The last entry at or before the timestamp; entries are in time order (one writer, monotonic clock).
        while (low <= high)
        {
            long middle = low + ((high - low) >> 1);
            if (Volatile.Read(ref _entries[middle & Mask].Timestamp) <= timestamp)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (found < 0 && !useNoted)
        {
            // Before the first entry ever written nothing was current; before the oldest one kept, it is unknown.
            return oldest == 0;
        }

        Entry entry = found < 0 ? default : _entries[found & Mask];
        if (useNoted && (found < 0 || entry.Timestamp < noted))
        {
            // The window's note is newer than the thread's own last entry before the sample.
            context = new SampleContext(_noted.Span, _noted.Tags);
            return true;
        }

        // The entry's fields are read before the count is read again; the writer may have reused the slot meanwhile.
        Interlocked.MemoryBarrier();
        if (found <= Volatile.Read(ref _written) - Capacity)
        {
            return false;
        }

        context = new SampleContext(entry.Span, entry.Tags);
        return true;
    }

    /// <summary>
    /// Lets go of spans and tags recorded before <paramref name="olderThan"/> (no sample that old is still on its
    /// way), so that the history of an idle thread does not keep finished requests alive. The newest entry stays:
    /// it is what is current. A slot the owner reuses meanwhile is left alone.
    /// </summary>
    public void Forget(long olderThan)
    {
        long written = Volatile.Read(ref _written);
        for (long index = Math.Max(0, written - Capacity + 1); index < written - 1; index++)
        {
            ref Entry entry = ref _entries[index & Mask];
            if (Volatile.Read(ref entry.Timestamp) >= olderThan)
            {
                break;
            }

            LetGo(ref entry);
        }
    }

    /// <summary>
    /// Lets go of every span and tags recorded so far, the newest entry and the window's note included. For the run
    /// where only the sampler needs links: once a window's stream has ended, all of its samples have been joined, and
    /// the next window notes again what is current (<see cref="NoteCurrent"/>). Kept until overwritten, the entries
    /// would keep every request's span alive: an old array pointing at young objects, which each collection scans and
    /// then promotes (bench/results/kestrel-cost-2026-12-05.md). Called by the sampler's control thread, the one that
    /// notes, between windows; a slot the owner reuses meanwhile is left alone.
    /// </summary>
    public void ForgetAll()
    {
        long written = Volatile.Read(ref _written);
        for (long index = Math.Max(_forgotten, written - Capacity); index < written; index++)
        {
            ref Entry entry = ref _entries[index & Mask];
            LetGo(ref entry);
        }

        _forgotten = written;
        Volatile.Write(ref _noted.Timestamp, 0);
        _noted.Span = null;
        _noted.Tags = null;
    }

    /// <summary>Clears an entry's span and tags unless the owner has reused the slot meanwhile (then they are new).</summary>
    private static void LetGo(ref Entry entry)
    {
        Activity? span = entry.Span;
        if (span is not null)
        {
            Interlocked.CompareExchange(ref entry.Span, null, span);
        }

        ProfileTagSet? tags = entry.Tags;
        if (tags is not null)
        {
            Interlocked.CompareExchange(ref entry.Tags, null, tags);
        }
    }

    private struct Entry
    {
        public long Timestamp;
        public Activity? Span;
        public ProfileTagSet? Tags;
    }
}

/// <summary>One thread's changes of the mirror over a period: all of them, the sets among them, and the sets timed.</summary>
internal readonly record struct SetCounts(long Changes, long Sets, long TimedSets, long TimedTicks);

