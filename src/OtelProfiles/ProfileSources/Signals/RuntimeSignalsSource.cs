using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>
/// The lock contention and exception profiles: the contention and exception keywords of the run's shared runtime
/// events session, read into the <see cref="ContentionRecorder"/> and <see cref="ExceptionRecorder"/>. The
/// recorders hold no state that follows the stream, so a switch may reopen the session with the new keywords.
/// </summary>
internal sealed class RuntimeSignalsSource : EventProfileSource
{
    /// <summary>Contended lock acquisitions; every contention is counted (period 1).</summary>
    public static readonly ProfileTypeDescriptor Contentions = new("contentions", "count", "mutex", "count");

    /// <summary>Time spent waiting for contended locks.</summary>
    public static readonly ProfileTypeDescriptor ContentionDelay = new("delay", "nanoseconds", "mutex", "count");

    /// <summary>Exceptions thrown; every exception is counted (period 1).</summary>
    public static readonly ProfileTypeDescriptor Exceptions = new("exceptions", "count", "exceptions", "count");

    private const ProfileTypes SignalTypes = ProfileTypes.Contention | ProfileTypes.Exceptions;

    private LabelTable _exceptionTypes = new();
    private ContentionRecorder? _contention;
    private ExceptionRecorder? _exceptions;

    /// <summary>The runtime signals family: available wherever the profiler runs.</summary>
    public static ProfileSourceFamily Family { get; } = new(
        "runtime signals",
        [
            new(ProfileTypes.Contention, "lock", SampleCounting.Values(Contentions)),
            new(ProfileTypes.Exceptions, "exception", SampleCounting.Values(Exceptions)),
        ],
        ProfileSourceFamily.AlwaysAvailable,
        ProfileSourceFamily.NoNote,
        () => new RuntimeSignalsSource());

    protected override ProfileSourceFamily SourceFamily => Family;

    protected override string What => "lock and exception events";

    protected override long KeywordsFor(ProfileTypes types) =>
        ((types & ProfileTypes.Contention) != 0 ? ProfileEvents.ContentionKeyword : 0)
        | ((types & ProfileTypes.Exceptions) != 0 ? ProfileEvents.ExceptionKeyword : 0);

    protected override int BufferMBFor(ProfileTypes types) => 16;

    protected override void OnRunStart() => _exceptionTypes = new LabelTable();

    protected override void SwitchOn(ProfileTypes switchedOn)
    {
        if ((switchedOn & ProfileTypes.Contention) != 0)
        {
            _contention = new ContentionRecorder();
        }

        if ((switchedOn & ProfileTypes.Exceptions) != 0)
        {
            _exceptions = new ExceptionRecorder();
        }
    }

    protected override void HandOver(ProfileTypes off)
    {
        if ((off & ProfileTypes.Contention) != 0)
        {
            _contention = null;
        }

        if ((off & ProfileTypes.Exceptions) != 0)
        {
            _exceptions = null;
        }
    }

    protected override bool HasRecorders => _contention is not null || _exceptions is not null;

    // The recorders hold nothing that follows the stream, so a reopened session just feeds them on.
    protected override INetTraceEventSink CreateSink(ProfileSourceContext context, ProfileTypes types, bool narrowing) =>
        new SignalEventsSink(
            _exceptionTypes,
            context.Threads,
            (types & ProfileTypes.Contention) != 0 ? _contention : null,
            (types & ProfileTypes.Exceptions) != 0 ? _exceptions : null);

    protected override IIntervalProfiles TakeIntervalLocked(ProfileSourceContext context) =>
        new SignalIntervalProfiles(_contention?.TakeInterval(), _exceptions?.TakeInterval(), _exceptionTypes);
}
