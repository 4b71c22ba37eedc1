namespace OtelProfiles;

/// <summary>Which trace spans profile samples link to (<see cref="OtlpProfilesOptions.SpanLinks"/>).</summary>
public enum ProfileSpanLinks
{
    /// <summary>Every sample taken while a span is current links to that span (the default).</summary>
    All = 0,

    /// <summary>Only spans the trace pipeline records (sampled in): samples of spans dropped by trace sampling carry no link.</summary>
    Recorded = 1,

    /// <summary>Samples link to the local root span of the current span (the request's span), never to its children.</summary>
    LocalRoot = 2,

    /// <summary>No links and no local root span name: samples are not split by span.</summary>
    None = 3,
}
