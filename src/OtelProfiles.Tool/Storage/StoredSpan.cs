namespace OtelProfiles.Tool.Storage;

/// <summary>
/// One received span as the store keeps it: enough to list it, to find its children, and to find the profile samples
/// linked to it. Ids are lowercase hex, the form the profile decoder gives a sample's <c>trace_id</c>/<c>span_id</c>.
/// </summary>
/// <param name="TraceId">32 hex digits.</param>
/// <param name="SpanId">16 hex digits.</param>
/// <param name="ParentSpanId">16 hex digits, or empty for a root span.</param>
/// <param name="Service">The resource's <c>service.name</c>.</param>
/// <param name="Name">The span name, for example <c>GET /checkout</c>.</param>
/// <param name="Kind">The OTLP <c>SpanKind</c> number (2 = server).</param>
/// <param name="StartUnixNano">Start, nanoseconds since the Unix epoch.</param>
/// <param name="EndUnixNano">End, never before the start.</param>
/// <param name="StatusCode">The OTLP status code (0 unset, 1 ok, 2 error).</param>
internal sealed record StoredSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Service,
    string Name,
    int Kind,
    long StartUnixNano,
    long EndUnixNano,
    int StatusCode)
{
    /// <summary>How long the span took, in nanoseconds.</summary>
    public long DurationNano => EndUnixNano - StartUnixNano;
}

/// <summary>Which spans to list: slowest first, optionally one service and a name substring, within a time range.</summary>
/// <param name="Service">Only this service; null for all.</param>
/// <param name="NameContains">Only spans whose name contains this (ASCII case-insensitive); null for all.</param>
/// <param name="FromUnixNano">Only spans that end at or after this instant; null for no lower bound.</param>
/// <param name="ToUnixNano">Only spans that start at or before this instant; null for no upper bound.</param>
/// <param name="Limit">At most this many spans.</param>
internal sealed record SpanQuery(string? Service = null, string? NameContains = null, long? FromUnixNano = null, long? ToUnixNano = null, int Limit = 100);
