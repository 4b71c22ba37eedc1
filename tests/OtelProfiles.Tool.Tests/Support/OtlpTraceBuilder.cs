using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>Builds OTLP trace export requests by hand: spans given by hex ids, grouped by service.</summary>
internal sealed class OtlpTraceBuilder
{
    private readonly ExportTraceServiceRequest _request = new();

    /// <summary>Adds a span of <paramref name="service"/> that starts at <paramref name="start"/> and lasts <paramref name="duration"/>.</summary>
    public OtlpTraceBuilder Span(string service, string name, string traceId, string spanId, string? parentSpanId, DateTimeOffset start, TimeSpan duration, Span.Types.SpanKind kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server)
    {
        var resource = _request.ResourceSpans.FirstOrDefault(r => r.Resource.Attributes.Any(a => a.Key == "service.name" && a.Value.StringValue == service));
        if (resource is null)
        {
            resource = new ResourceSpans { Resource = new Resource() };
            resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
            resource.ScopeSpans.Add(new ScopeSpans { Scope = new InstrumentationScope { Name = "Microsoft.AspNetCore" } });
            _request.ResourceSpans.Add(resource);
        }

        var startNs = (ulong)start.ToUnixTimeMilliseconds() * 1_000_000;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = startNs,
            EndTimeUnixNano = startNs + (ulong)(duration.Ticks * 100),
        };
        if (parentSpanId is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parentSpanId));
        }

        span.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = name } });
        resource.ScopeSpans[0].Spans.Add(span);
        return this;
    }

    public ExportTraceServiceRequest Build() => _request.Clone();

    public byte[] BuildBytes() => _request.ToByteArray();
}

/// <summary>
/// A trace and the profiles linked to it, as the library exports them once it links samples to spans: service
/// "shop", a request span <see cref="Root"/> ("GET /checkout", 800 ms) with child <see cref="Child"/> ("checkout",
/// 500 ms) and grandchild <see cref="Grandchild"/> ("score risk", 100 ms), a sibling request <see cref="Other"/>
/// ("GET /prices", 200 ms) of another trace, and a "cart" span.
/// </summary>
internal static class LinkedTrace
{
    public const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    public const string OtherTraceId = "5b8efff798038103d269b633813fc60c";
    public const string Root = "b7ad6b7169203331";
    public const string Child = "c7ad6b7169203332";
    public const string Grandchild = "d7ad6b7169203333";
    public const string Other = "e7ad6b7169203334";
    public const string Cart = "f7ad6b7169203335";
    public const string RouterFunction = "Shop.Router.Dispatch";
    public const string ScoreFunction = "Shop.Payments.ScoreRisk";

    public static OtlpTraceBuilder Spans(DateTimeOffset start) => new OtlpTraceBuilder()
        .Span("shop", "GET /checkout", TraceId, Root, null, start, TimeSpan.FromMilliseconds(800))
        .Span("shop", "checkout", TraceId, Child, Root, start.AddMilliseconds(100), TimeSpan.FromMilliseconds(500), OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal)
        .Span("shop", "score risk", TraceId, Grandchild, Child, start.AddMilliseconds(200), TimeSpan.FromMilliseconds(100), OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal)
        .Span("shop", "GET /prices", OtherTraceId, Other, null, start.AddSeconds(2), TimeSpan.FromMilliseconds(200))
        .Span("cart", "GET /cart", OtherTraceId, Cart, Other, start.AddSeconds(2), TimeSpan.FromMilliseconds(50));

    /// <summary>
    /// CPU samples: root 10 (router), child 40 (hot function), grandchild 5 (score), the other request 30 (warm),
    /// 20 unlinked, and 7 linked to the root's span id under another trace id (must not count); wall: root 3e8 ns.
    /// </summary>
    public static OtlpRequestBuilder Profiles(DateTimeOffset start)
    {
        var builder = new OtlpRequestBuilder();
        string[] router = ["Program.Main", RouterFunction];
        string[] hot = ["Program.Main", RouterFunction, KnownProfiles.AsyncFunction, KnownProfiles.HotFunction];
        string[] score = ["Program.Main", RouterFunction, KnownProfiles.AsyncFunction, ScoreFunction];
        builder.AddProfile("shop", "samples", "count", start.AddSeconds(-5), TimeSpan.FromSeconds(15))
            .SampleWithLink(10, router, (TraceId, Root), ("thread.name", "worker-1"))
            .SampleWithLink(40, hot, (TraceId, Child), ("thread.name", "worker-1"))
            .SampleWithLink(5, score, (TraceId, Grandchild), ("thread.name", "worker-2"))
            .SampleWithLink(30, KnownProfiles.WarmStack, (OtherTraceId, Other), ("thread.name", "worker-2"))
            .SampleWithLink(7, KnownProfiles.RecursiveStack, (OtherTraceId, Root), ("thread.name", "worker-2"))
            .Sample(20, KnownProfiles.RecursiveStack, ("thread.name", "worker-3"));
        builder.AddProfile("shop", "wall", "nanoseconds", start.AddSeconds(-5), TimeSpan.FromSeconds(15), "wall", "nanoseconds")
            .SampleWithLink(300_000_000, router, (TraceId, Root));
        return builder;
    }
}
