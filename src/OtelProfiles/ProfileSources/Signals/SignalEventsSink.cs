using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.Tracing;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>
/// Reads the lock and exception session into the contention and exception recorders (either may be off). Runs on
/// the session's reader thread.
/// </summary>
/// <remarks>
/// Payloads: ContentionStart v2: flags u8, clr u16, lock id ptr, associated object ptr, owner thread u64.
/// ContentionStop v1: flags u8, clr u16, duration f64 (nanoseconds; v0 has no duration).
/// ExceptionThrown v1: type name string, message string, throw address ptr, HRESULT u32, flags u16, clr u16.
/// </remarks>
internal sealed class SignalEventsSink : INetTraceEventSink
{
    private readonly LabelTable _exceptionTypes;
    private readonly ProfilerThreads _ownThreads;
    private readonly ContentionRecorder? _contention;
    private readonly ExceptionRecorder? _exceptions;

    public SignalEventsSink(LabelTable exceptionTypes, ProfilerThreads ownThreads, ContentionRecorder? contention, ExceptionRecorder? exceptions)
    {
        _exceptionTypes = exceptionTypes;
        _ownThreads = ownThreads;
        _contention = contention;
        _exceptions = exceptions;
    }

    public void OnHeader(NetTraceHeader header) => _contention?.SetClock(header.QpcFrequency);

    public void OnEvent(in NetTraceEvent traceEvent)
    {
        if (traceEvent.Metadata.ProviderName != RuntimeEvents.RuntimeProvider || _ownThreads.Contains(traceEvent.ThreadId))
        {
            return;
        }

        switch (traceEvent.Metadata.EventId)
        {
            case ProfileEvents.ContentionStart:
                _contention?.OnStart(traceEvent.ThreadId, traceEvent.Timestamp, traceEvent.Stack, SampleContextTracker.At(traceEvent.ThreadId, traceEvent.Timestamp));
                break;
            case ProfileEvents.ContentionStop:
                double durationNs = traceEvent.Metadata.Version >= 1 && traceEvent.Payload.Length >= 11
                    ? BitConverter.ToDouble(traceEvent.Payload[3..])
                    : -1;
                _contention?.OnStop(traceEvent.ThreadId, traceEvent.Timestamp, durationNs);
                break;
            case ProfileEvents.ExceptionThrown when _exceptions is not null:
                var reader = new PayloadReader(traceEvent.Payload);
                _exceptions.OnThrown(
                    traceEvent.Stack,
                    traceEvent.ThreadId,
                    _exceptionTypes.ForName(reader.ReadStringSpan()),
                    SampleContextTracker.At(traceEvent.ThreadId, traceEvent.Timestamp));
                break;
        }
    }
}
