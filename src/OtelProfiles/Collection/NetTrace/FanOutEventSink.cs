namespace OtelProfiles.Collection.NetTrace;

/// <summary>
/// Hands every event of one stream to several sinks, in order: the profile sources that share one runtime events
/// session each read the events they asked for and skip the others (each sink already filters by event id).
/// </summary>
internal sealed class FanOutEventSink : INetTraceEventSink
{
    private readonly INetTraceEventSink[] _sinks;

    public FanOutEventSink(IReadOnlyCollection<INetTraceEventSink> sinks) => _sinks = [.. sinks];

    public void OnHeader(NetTraceHeader header)
    {
        foreach (INetTraceEventSink sink in _sinks)
        {
            sink.OnHeader(header);
        }
    }

    public void OnEvent(in NetTraceEvent traceEvent)
    {
        foreach (INetTraceEventSink sink in _sinks)
        {
            sink.OnEvent(traceEvent);
        }
    }

    public void OnSequencePoint()
    {
        foreach (INetTraceEventSink sink in _sinks)
        {
            sink.OnSequencePoint();
        }
    }
}
