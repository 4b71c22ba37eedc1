using System.Globalization;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using OtelProfiles.Tool.Receiver;
using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Demo;

/// <summary>
/// The demo's last lines about traces: the slowest span the app sent and the URL of the flame graph of its samples.
/// The slowest span with linked samples is preferred, because a span without any shows an empty graph.
/// </summary>
internal static class SpanSummary
{
    /// <summary>How many of the slowest spans are checked for linked samples.</summary>
    private const int Candidates = 50;

    public static async Task PrintAsync(ReceiverServer server, TimeSpan wait, TextWriter output, CancellationToken cancellationToken)
    {
        // Spans leave the app in batches (every 5 s by default), so the first ones may still be on their way.
        var deadline = DateTime.UtcNow + wait;
        while (server.Store.SpanCount() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, cancellationToken);
        }

        var slowest = server.Store.ListSpans(new SpanQuery(Limit: Candidates));
        if (slowest.Count == 0)
        {
            output.WriteLine($"Spans:       none arrived; the span view needs the app's OTLP trace exporter pointed at {server.OtlpHttpTracesUrl} or the gRPC port.");
            return;
        }

        var span = slowest[0];
        var linkedText = "no profile samples are linked to spans yet";
        foreach (var candidate in slowest)
        {
            if (SpanSamples.Load(server.Store, candidate.TraceId, candidate.SpanId, includeDescendants: true) is { ProfileTypes.Count: > 0 } linked)
            {
                span = candidate;
                var type = linked.ProfileTypes[0];
                linkedText = $"{linked.Total(type).ToString(CultureInfo.InvariantCulture)} {ProfileTypeNames.UnitOf(type)} of {type} linked to it and its child spans";
                break;
            }
        }

        var duration = (span.DurationNano / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
        output.WriteLine($"Slowest span: {span.Name} ({span.Service}) {duration} ms, {linkedText}");
        output.WriteLine($"Span flame graph: {server.HttpEndpoint}?trace={span.TraceId}&span={span.SpanId}&children=1");
    }
}
