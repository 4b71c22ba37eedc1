using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Trace.V1;
using OtelProfiles.Building;
using OtelProfiles.Otlp;
using OtelProfiles.Tests.Integration;
using OtelProfiles.Tests.Receivers;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Tracing;

/// <summary>
/// End to end: a Kestrel app in a child process, driven by HttpClient, exports its traces to a real OTLP trace
/// receiver and its profiles to a real OTLP profiles receiver. The handler burns CPU in a known method between awaits
/// that resume on other threads; its samples must link to exactly the span the trace pipeline exported for that
/// request, on every thread the request ran on, while CPU burnt outside any span links to nothing.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SpanLinkIntegrationTests
{
    private const string RequestMethod = "RequestWork.BurnInRequest";
    private const string OutsideMethod = "BackgroundWork.BurnOutsideSpans";
    private const string BackgroundSpanMethod = "BackgroundWork.BurnInBackgroundSpan";
    private const int Requests = 12;

    private readonly ITestOutputHelper _output;

    public SpanLinkIntegrationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Samples_of_a_request_link_to_its_exported_span_across_thread_hops_and_idle_work_links_to_nothing()
    {
        await using OtlpTestReceiver profiles = await OtlpTestReceiver.StartAsync();
        await using OtlpTraceReceiver traces = await OtlpTraceReceiver.StartAsync();
        var (app, address) = await TracedWebApp.StartAsync(25, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"] = profiles.HttpEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL"] = "http/protobuf",
            ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",
            ["OTEL_PROFILES_SAMPLING_FREQUENCY"] = "1000",
            ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "100",
            ["OTEL_PROFILES_TYPES"] = "cpu,wall,alloc,exception",
            ["WORKLOAD_TRACES_ENDPOINT"] = traces.Endpoint.ToString(),
        });
        await using (app)
        {
            // Requests three at a time: continuations after Task.Delay and Task.Yield land on whichever worker is free.
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            var answers = new List<RequestAnswer>();
            for (int batch = 0; batch < Requests / 3; batch++)
            {
                string[] bodies = await Task.WhenAll(Enumerable.Range(batch * 3, 3).Select(i => client.GetStringAsync($"/checkout/{i}")));
                answers.AddRange(bodies.Select(RequestAnswer.Parse));
            }

            Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(120)), app.Output);

            // The spans the app's trace pipeline exported for the requests (its server spans).
            Dictionary<string, Span> exported = traces.Spans
                .Where(s => s.Kind == Span.Types.SpanKind.Server)
                .ToDictionary(s => Convert.ToHexStringLower(s.SpanId.Span));
            var samples = LinkedSample.Read(profiles.Requests.Select(r => r.Request!).Where(r => r is not null));
            var cpu = samples.Where(s => s.PeriodType == "cpu").ToList();
            var inRequests = cpu.Where(s => s.Frames.Any(f => f.EndsWith(RequestMethod, StringComparison.Ordinal))).ToList();
            var outside = cpu.Where(s => s.Frames.Count > 0 && s.Frames[0].EndsWith(OutsideMethod, StringComparison.Ordinal)
                && !s.Frames.Any(f => f.EndsWith(BackgroundSpanMethod, StringComparison.Ordinal))).ToList();
            _output.WriteLine($"{exported.Count} server spans exported; {cpu.Count} CPU samples, {inRequests.Count} in {RequestMethod}, {outside.Sum(s => s.Value)} in {OutsideMethod}");

            Assert.All(answers, a => Assert.True(exported.ContainsKey(a.SpanId), $"span {a.SpanId} of a request was not exported"));
            Assert.NotEmpty(inRequests);
            Assert.NotEmpty(outside);

            // Every sample in the request method links to the span of a request (no unknown, no wrong one), and
            // to the trace that span belongs to.
            long linked = inRequests.Where(s => s.SpanId is not null).Sum(s => s.Value);
            long total = inRequests.Sum(s => s.Value);
            _output.WriteLine($"{linked} of {total} request-method samples linked");
            Assert.True(linked >= total * 0.95, $"{linked} of {total} request samples carry a link");
            foreach (LinkedSample sample in inRequests.Where(s => s.SpanId is not null))
            {
                RequestAnswer answer = Assert.Single(answers, a => a.SpanId == sample.SpanId);
                Assert.Equal(answer.TraceId, sample.TraceId);
                Assert.Equal(Convert.ToHexStringLower(exported[answer.SpanId].TraceId.Span), sample.TraceId);

                // The thread the sample was taken on is one the request's own code ran on.
                Assert.Contains(sample.ThreadId, answer.Threads);
                Assert.Equal("GET /checkout/{id}", sample.Attributes["span_name"]);
                Assert.Equal(answer.Id % 2 == 0 ? "gold" : "silver", sample.Attributes["shop.tier"]);
            }

            // After thread hops: some request's samples were taken on more than one thread, all linked to its span.
            var hopped = answers.Where(a => a.Threads.Distinct().Count() > 1).ToList();
            Assert.NotEmpty(hopped);
            Assert.Contains(hopped, a => inRequests.Where(s => s.SpanId == a.SpanId).Select(s => s.ThreadId).Distinct().Count() > 1);

            // Allocation and exception samples taken in the request link to its span too.
            foreach ((string type, string method) in new[] { ("memory", "RequestWork.AllocateInRequest"), ("exceptions", "RequestWork.FailInRequest") })
            {
                var events = samples.Where(s => s.PeriodType == type && s.Frames.Any(f => f.EndsWith(method, StringComparison.Ordinal))).ToList();
                _output.WriteLine($"{events.Count} {type} samples in {method}, {events.Count(s => s.SpanId is not null)} linked");
                Assert.NotEmpty(events);
                Assert.All(events, s => Assert.Contains(answers, a => a.SpanId == s.SpanId && a.TraceId == s.TraceId));
            }

            // What keeping the span mirror cost the app's threads is measured, charged and reported with the CPU profiles.
            long trackingNs = profiles.Requests.Select(r => r.Request).OfType<ExportProfilesServiceRequest>()
                .SelectMany(OtlpDecoder.Decode).Where(p => p.PeriodType == "cpu/nanoseconds")
                .Sum(p => p.IntAttribute(ExportRequestBuilder.SpanTrackingCpuAttribute));
            _output.WriteLine($"span tracking charged: {trackingNs / 1000.0:0} µs");
            Assert.True(trackingNs > 0, "the profiles report no span tracking CPU for an app whose requests hop threads inside spans");

            // Work between spans links to nothing and carries no span name or request tag.
            Assert.All(outside, s =>
            {
                Assert.Null(s.SpanId);
                Assert.False(s.Attributes.ContainsKey("span_name"));
                Assert.False(s.Attributes.ContainsKey("shop.tier"));
            });
        }
    }

    /// <summary>What the handler answered: its span and the OS threads its four parts ran on.</summary>
    private sealed record RequestAnswer(int Id, string TraceId, string SpanId, long[] Threads)
    {
        public static RequestAnswer Parse(string body)
        {
            string[] parts = body.Split(' ');
            return new RequestAnswer(int.Parse(parts[0]), parts[1], parts[2], parts[3].Split(',').Select(long.Parse).ToArray());
        }
    }
}
