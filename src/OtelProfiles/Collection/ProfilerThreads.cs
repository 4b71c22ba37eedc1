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

    /// <summary>Whether <paramref name="osThreadId"/> is one of ours (alive, or among the last ones that ended).</summary>
    public bool Contains(long osThreadId) => _threads.ContainsKey(osThreadId) || _retired.ContainsKey(osThreadId);

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
