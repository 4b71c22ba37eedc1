using System.Net;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>
/// Issue 20: the trace path under the same kind of fuzzing as the profiles path (see <see cref="ReceiverFuzzTests"/>):
/// mutated trace requests to a real <c>serve</c> process over HTTP and gRPC get documented statuses only, the process
/// logs no failure or stack trace, memory stays bounded, stored spans read back unchanged, and the span API answers
/// for whatever was accepted.
/// </summary>
public class TraceFuzzTests
{
    private const int Kinds = ReceiverFuzzer.ByteLevelKinds + 3;

    [Fact]
    public async Task Mutated_trace_requests_get_documented_statuses_bounded_memory_and_leave_stored_spans_intact()
    {
        using var serve = ServeProcess.Start("--max-request-size", "4MiB");
        using var fuzzer = new ReceiverFuzzer(serve, "/v1/traces", "opentelemetry.proto.collector.trace.v1.TraceService");
        var http = fuzzer.Http;

        var reference = new OtlpTraceBuilder().Span("reference", "GET /reference", LinkedTrace.TraceId, LinkedTrace.Root, null, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1));
        (await http.PostAsync("/v1/traces", HostileInputTests.Protobuf(reference.BuildBytes()))).EnsureSuccessStatusCode();
        const string ReferenceQuery = "/api/spans?service=reference";
        var referenceBefore = await ReferenceSpansAsync(http, ReferenceQuery);
        var baseline = serve.PeakResidentBytes();

        var seed = LinkedTrace.Spans(DateTimeOffset.UtcNow.AddMinutes(-1)).Build();
        foreach (var resource in seed.ResourceSpans)
        {
            resource.Resource.Attributes[0].Value.StringValue = "fuzz-" + resource.Resource.Attributes[0].Value.StringValue;
        }

        var seedBytes = seed.ToByteArray();
        fuzzer.Run(ReceiverFuzzer.Mutations(Kinds), m => ReceiverFuzzer.MutateBytes(seedBytes, m) ?? Mutate(seed, m), iterations: 400, budget: TimeSpan.FromSeconds(25));

        Assert.Equal(referenceBefore, await ReferenceSpansAsync(http, ReferenceQuery));

        // Whatever was accepted lists and opens.
        var listed = JsonDocument.Parse(await http.GetStringAsync("/api/spans?limit=1000")).RootElement.GetProperty("spans");
        Assert.True(listed.GetArrayLength() > 1);
        foreach (var (span, index) in listed.EnumerateArray().Select((s, i) => (s, i)))
        {
            var children = index < 50 ? "&children=true" : "";
            using var opened = await http.GetAsync($"/api/span?trace={span.GetProperty("traceId").GetString()}&span={span.GetProperty("spanId").GetString()}{children}");
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        fuzzer.AssertHealthy(baseline);
        Assert.True(fuzzer.Answers.Keys.Count(k => k.EndsWith(" 200", StringComparison.Ordinal) || k.EndsWith(" OK", StringComparison.Ordinal)) > 0, "no mutated request was accepted");
    }

    /// <summary>The listed spans only: the list of services grows with every accepted fuzzed service name.</summary>
    private static async Task<string> ReferenceSpansAsync(HttpClient http, string query) =>
        JsonDocument.Parse(await http.GetStringAsync(query)).RootElement.GetProperty("spans").GetRawText();

    /// <summary>The message-level mutations of a trace request (kinds from <see cref="ReceiverFuzzer.ByteLevelKinds"/> on).</summary>
    private static byte[] Mutate(ExportTraceServiceRequest seed, ReceiverFuzzer.Mutation m)
    {
        switch (m.Kind - ReceiverFuzzer.ByteLevelKinds)
        {
            case 0: // an attribute nested m.Amount levels deep
                var nested = seed.Clone();
                var value = new AnyValue { StringValue = "x" };
                for (var i = 0; i < m.Amount / 4; i++)
                {
                    var outer = new AnyValue { ArrayValue = new ArrayValue() };
                    outer.ArrayValue.Values.Add(value);
                    value = outer;
                }

                nested.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(new KeyValue { Key = "deep", Value = value });
                return nested.ToByteArray();
            case 1: // a large name: up to 1 MiB
                var big = seed.Clone();
                big.ResourceSpans[0].ScopeSpans[0].Spans[m.Position % 3].Name = new string('n', (m.Position % 1024) * 1024);
                return big.ToByteArray();
            default: // many spans with their ids and parents shuffled
                var many = seed.Clone();
                var spans = many.ResourceSpans[0].ScopeSpans[0].Spans;
                var random = new Random(m.Position);
                for (var i = 0; i < m.Amount * 20; i++)
                {
                    var copy = spans[i % 3].Clone();
                    var id = new byte[8];
                    random.NextBytes(id);
                    copy.SpanId = ByteString.CopyFrom(id);
                    copy.ParentSpanId = spans[random.Next(spans.Count)].SpanId;
                    spans.Add(copy);
                }

                return many.ToByteArray();
        }
    }
}
