using System.Collections.Concurrent;

namespace OtelProfiles.Collection;

/// <summary>
/// The profiler's own threads. Their samples are dropped: the profile shows the application, not the reader
/// that decodes the profile (the sampler samples every managed thread, the reader included).
/// </summary>
internal sealed class ProfilerThreads
{
    private readonly ConcurrentDictionary<long, string> _threads = new();

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
                    _threads.TryRemove(id, out _);
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

    /// <summary>Whether <paramref name="osThreadId"/> is one of ours.</summary>
    public bool Contains(long osThreadId) => _threads.ContainsKey(osThreadId);

    /// <summary>How many profiler threads are alive (tests check that toggling leaks none).</summary>
    public int Count => _threads.Count;
}
