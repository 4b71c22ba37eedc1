using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Collection;

/// <summary>
/// Asks the runtime to enumerate every method that already has code (JIT-compiled or precompiled and in use):
/// a session with rundown is opened and stopped at once, and its rundown events are fed to the method map.
/// Takes ~150 ms; done at start and, rate-limited, when an interval has addresses no event explained.
/// </summary>
internal static class Rundown
{
    public static int Run(EventPipeSessions sessions, MethodEventsSink sink, ProfilerThreads threads, TimeSpan timeout)
    {
        using var session = sessions.StartRundown();
        int before = sink.MethodEvents;
        Exception? failure = null;
        Thread reader = threads.Start("OtelProfiles.Rundown", () =>
        {
            try
            {
                new NetTraceReader().ReadToEnd(session.EventStream, sink);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });

        session.Stop();
        if (!reader.Join(timeout))
        {
            throw new TimeoutException($"the rundown did not finish within {timeout.TotalSeconds:0.#} s");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("the rundown stream could not be read: " + failure.Message, failure);
        }

        return sink.MethodEvents - before;
    }
}
