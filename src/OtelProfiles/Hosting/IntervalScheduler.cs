using OtelProfiles.Collection;

namespace OtelProfiles.Hosting;

/// <summary>
/// Ends an interval every export interval, or at once when asked (a flush), on the profiler's own interval
/// thread. The interval is re-read before each wait, so a reloaded interval applies from the next one.
/// </summary>
internal sealed class IntervalScheduler : IDisposable
{
    private readonly Func<TimeSpan> _interval;
    private readonly Action _cut;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly AutoResetEvent _cutNow = new(false);
    private Thread? _thread;

    /// <param name="interval">The export interval in force.</param>
    /// <param name="cut">Ends the interval (exceptions are its own to handle).</param>
    public IntervalScheduler(Func<TimeSpan> interval, Action cut)
    {
        _interval = interval;
        _cut = cut;
    }

    public void Start(ProfilerThreads threads) => _thread = threads.Start("OtelProfiles.Intervals", Run);

    /// <summary>Asks for an interval to end now, without waiting for it.</summary>
    public void CutNow()
    {
        try
        {
            _cutNow.Set();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile; its final cut has been made.
        }
    }

    /// <summary>Ends the thread (a cut in progress finishes first) and waits for it, up to 30 s.</summary>
    public void Stop()
    {
        _stopping.Set();
        if (_thread is not null && _thread != Thread.CurrentThread)
        {
            _thread.Join(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
        _cutNow.Dispose();
    }

    private void Run()
    {
        var handles = new WaitHandle[] { _stopping.WaitHandle, _cutNow };
        while (WaitHandle.WaitAny(handles, _interval()) != 0)
        {
            _cut();
        }
    }
}
