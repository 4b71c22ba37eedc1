using OtelProfiles.Aggregation;
using OtelProfiles.Building;

namespace OtelProfiles.ProfileSources.Signals;

/// <summary>The lock contention and exception profiles of one finished interval (a table is null when its profile was off).</summary>
/// <param name="Contention">Contentions and nanoseconds waited per stack and thread.</param>
/// <param name="Exceptions">Exceptions thrown per stack, thread and type.</param>
/// <param name="ExceptionTypes">Names of the exception labels.</param>
internal sealed record SignalIntervalProfiles(EventSampleTable? Contention, EventSampleTable? Exceptions, LabelTable ExceptionTypes) : IIntervalProfiles
{
    /// <summary>The attribute naming the exception type on exception samples (OpenTelemetry semantic convention).</summary>
    public const string ExceptionTypeAttribute = "exception.type";

    public bool HasData => Contention?.RowCount > 0 || Exceptions?.RowCount > 0;

    public IEnumerable<long> ThreadIds =>
        (Contention?.Rows ?? []).Concat(Exceptions?.Rows ?? []).Select(r => r.Key.ThreadId);

    public void AddTo(IntervalRequest request)
    {
        if (Contention is { } contention)
        {
            request.AddEventProfiles(contention, new EventProfileLayout(RuntimeSignalsSource.Contentions, RuntimeSignalsSource.ContentionDelay, Period: 1));
        }

        if (Exceptions is { } exceptions)
        {
            request.AddEventProfiles(
                exceptions, new EventProfileLayout(RuntimeSignalsSource.Exceptions, Second: null, Period: 1, ExceptionTypeAttribute, ExceptionTypes));
        }
    }
}
