using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtelProfiles.Otlp;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Decoding;

/// <summary>
/// The entry point from untrusted OTLP trace bytes to spans the store may keep: the same wire-level schema check as
/// profiles, protobuf parse, then the rules the span view relies on (ids of the right length, not all zero). A request
/// that breaks any of them is rejected whole. Only what the span view needs is kept, and names are cut to a bounded
/// length so no later listing of stored spans can grow with what a sender chose to put in a name.
/// </summary>
internal static class OtlpTracePayload
{
    /// <summary>Longest span name kept (characters); longer names are cut and end with an ellipsis.</summary>
    public const int MaxNameLength = 512;

    /// <summary>Longest service name kept (characters).</summary>
    public const int MaxServiceLength = 256;

    private const int MaxReportedErrors = 3;

    /// <summary>Parses and validates <paramref name="payload"/> (uncompressed protobuf bytes).</summary>
    /// <returns>The spans, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static IReadOnlyList<StoredSpan>? TryParse(ReadOnlySpan<byte> payload, out string? error)
    {
        var wireError = WireSchemaChecker.Check(payload, ExportTraceServiceRequest.Descriptor);
        if (wireError is not null)
        {
            error = wireError;
            return null;
        }

        ExportTraceServiceRequest request;
        try
        {
            request = ExportTraceServiceRequest.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = $"the payload is not a valid ExportTraceServiceRequest protobuf message ({ex.Message})";
            return null;
        }

        var problems = new List<string>();
        var spans = new List<StoredSpan>();
        for (var r = 0; r < request.ResourceSpans.Count && problems.Count < MaxReportedErrors; r++)
        {
            var resource = request.ResourceSpans[r];
            var service = Cut(OtlpDecoder.ServiceNameOf(resource.Resource?.Attributes), MaxServiceLength);
            for (var s = 0; s < resource.ScopeSpans.Count && problems.Count < MaxReportedErrors; s++)
            {
                var scope = resource.ScopeSpans[s];
                for (var i = 0; i < scope.Spans.Count && problems.Count < MaxReportedErrors; i++)
                {
                    var span = scope.Spans[i];
                    var path = $"resource_spans[{r}].scope_spans[{s}].spans[{i}]";
                    if (!CheckId(span.TraceId, 16, $"{path}.trace_id", problems) |
                        !CheckId(span.SpanId, 8, $"{path}.span_id", problems) |
                        !CheckParent(span.ParentSpanId, $"{path}.parent_span_id", problems))
                    {
                        continue;
                    }

                    // Timestamps are unsigned on the wire; a span that ends before it starts is kept with no duration
                    // rather than a negative one.
                    var start = (long)Math.Min(span.StartTimeUnixNano, long.MaxValue);
                    var end = Math.Max(start, (long)Math.Min(span.EndTimeUnixNano, long.MaxValue));
                    spans.Add(new StoredSpan(
                        Convert.ToHexStringLower(span.TraceId.Span),
                        Convert.ToHexStringLower(span.SpanId.Span),
                        span.ParentSpanId.IsEmpty ? "" : Convert.ToHexStringLower(span.ParentSpanId.Span),
                        service,
                        Cut(span.Name, MaxNameLength),
                        (int)span.Kind,
                        start,
                        end,
                        (int)(span.Status?.Code ?? 0)));
                }
            }
        }

        if (problems.Count > 0)
        {
            error = "invalid OTLP trace data: " + string.Join("; ", problems);
            return null;
        }

        error = null;
        return spans;
    }

    private static bool CheckId(ByteString id, int length, string path, List<string> problems)
    {
        if (id.Length == length && id.Span.ContainsAnyExcept((byte)0))
        {
            return true;
        }

        if (problems.Count < MaxReportedErrors)
        {
            problems.Add(id.Length == length
                ? $"{path} is all zeros, which OTLP defines as invalid"
                : $"{path} has {id.Length} bytes; it must have {length}");
        }

        return false;
    }

    private static bool CheckParent(ByteString id, string path, List<string> problems) =>
        id.IsEmpty || CheckId(id, 8, path, problems);

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> characters without splitting a surrogate pair.</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var keep = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1;
        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
