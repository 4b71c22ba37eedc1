using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Collection;

/// <summary>
/// The long-lived session that keeps the method map current (methods compiled, precompiled methods first used,
/// modules loaded), read on its own dedicated thread for the profiler's lifetime. The same shape serves the one
/// session the event-based profiles (memory, locks and exceptions) share, opened with the union of their keywords.
/// </summary>
internal sealed class RuntimeEventsSession : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Thread _reader;
    private int _disposed;

    public RuntimeEventsSession(EventPipeSessions sessions, INetTraceEventSink sink, ProfilerThreads threads, Action<Exception> onReaderFailure)
        : this(sessions.StartRuntimeEvents(), "OtelProfiles.RuntimeEvents", sink, threads, onReaderFailure)
    {
    }

    /// <summary>Reads an already started <paramref name="session"/> on a thread named <paramref name="threadName"/>.</summary>
    public RuntimeEventsSession(EventPipeSession session, string threadName, INetTraceEventSink sink, ProfilerThreads threads, Action<Exception> onReaderFailure)
    {
        _session = session;
        _reader = threads.Start(threadName, () =>
        {
            try
            {
                new NetTraceReader().ReadToEnd(_session.EventStream, sink);
            }
            catch (Exception ex) when (Volatile.Read(ref _disposed) == 0)
            {
                onReaderFailure(ex);
            }
            catch (Exception)
            {
                // Stopping the session may cut the stream mid-block; that is the expected end.
            }
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Called from a non-reader thread: Stop() waits for the runtime to flush, then the reader sees the end.
        try
        {
            _session.Stop();
        }
        catch (Exception)
        {
            // The process may be shutting down and the port already gone.
        }

        _reader.Join(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }
}
