using System.Collections.Concurrent;

namespace OtelProfiles.Collection;

/// <summary>
/// The profiler's own threads. Their samples are dropped: the profile shows the application, not the reader
/// that decodes the profile (the sampler samples every managed thread, the reader included).
/// </summary>
internal sealed class ProfilerThreads
{
    // Ended threads stay known for a while: the sampler's stream reaches the reader up to a window and a flush
    // later, so samples of a thread that has just ended (the interval thread at shutdown) are still on their way.
    private const int RetiredKept = 64;

    private readonly ConcurrentDictionary<long, string> _threads = new();
    private readonly ConcurrentDictionary<long, byte> _retired = new();
    private readonly ConcurrentQueue<long> _retiredOrder = new();

    // Threads of the app lent to the profiler for a while (see Borrow): their samples are dropped like those of the
    // profiler's own threads, but they are not in LiveIds, whose CPU is charged from each thread's first reading on
    // and would charge a borrowed thread all the CPU it ever used for the app.
    private readonly ConcurrentDictionary<long, string> _borrowed = new();

    // What each thread that ended had used in all, read by the thread itself as its last act: a short-lived thread (a
    // rundown's reader) can start and end between two of the meter's readings, and an ended thread cannot be read.
    private readonly ConcurrentQueue<(long Id, TimeSpan Cpu)> _ended = new();

    /// <summary>Starts a dedicated background thread whose OS id is registered before <paramref name="body"/> runs.</summary>
    public Thread Start(string name, Action body)
    {
        var ready = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            long id = OsThreadId.Current();
            if (id >= 0)
            {
                _threads[id] = name;
            }

            ready.Set();
            try
            {
                body();
            }
            finally
            {
                if (id >= 0)
                {
                    NoteEnded(id);
                    Retire(id);
                }
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        ready.Wait();
        ready.Dispose();
        return thread;
    }

    /// <summary>
    /// Takes the next thread that ended, with the CPU time it had used in all (<see cref="ProfilerCpuMeter"/> charges
    /// what it used after its last reading).
    /// </summary>
    public bool TryTakeEnded(out (long Id, TimeSpan Cpu) ended) => _ended.TryDequeue(out ended);

    /// <summary>
    /// Counts the calling thread as one of the profiler's until the result is disposed: for profiler work done on a
    /// thread the profiler does not own (stopping the sampler on the thread that disposes the profiler). The thread is
    /// forgotten at once afterwards, not retired, since it goes back to the app's work; the samples it had while
    /// borrowed are all read by then, because stopping the sampler waits for its stream to be read to the end.
    /// </summary>
    public IDisposable Borrow(string name)
    {
        long id = OsThreadId.Current();
        return id >= 0 && !_threads.ContainsKey(id) && _borrowed.TryAdd(id, name) ? new Borrowed(_borrowed, id) : NothingBorrowed.Instance;
    }

    private sealed class Borrowed(ConcurrentDictionary<long, string> threads, long id) : IDisposable
    {
        public void Dispose() => threads.TryRemove(id, out _);
    }

    private sealed class NothingBorrowed : IDisposable
    {
        public static readonly NothingBorrowed Instance = new();

        public void Dispose()
        {
        }
    }

    /// <summary>Whether <paramref name="osThreadId"/> is one of ours (alive, or among the last ones that ended).</summary>
    public bool Contains(long osThreadId) =>
        _threads.ContainsKey(osThreadId) || _retired.ContainsKey(osThreadId) || _borrowed.ContainsKey(osThreadId);

    private void NoteEnded(long id)
    {
        // Bounded in case no meter takes them (a meter runs whenever the profiler does).
        if (_ended.Count < RetiredKept && ThreadCpuTime.Of(id) is { } cpu)
        {
            _ended.Enqueue((id, cpu));
        }
    }

    private void Retire(long id)
    {
        _retired[id] = 0;
        _retiredOrder.Enqueue(id);
        _threads.TryRemove(id, out _);
        while (_retiredOrder.Count > RetiredKept && _retiredOrder.TryDequeue(out long oldest))
        {
            // A thread id the OS has handed to a new profiler thread again stays known through _threads.
            _retired.TryRemove(oldest, out _);
        }
    }

    /// <summary>The OS ids of the profiler threads alive now.</summary>
    public IReadOnlyCollection<long> LiveIds => (IReadOnlyCollection<long>)_threads.Keys;

    /// <summary>How many profiler threads are alive (tests check that toggling leaks none).</summary>
    public int Count => _threads.Count;
}
