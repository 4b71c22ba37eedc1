using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
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
    private static readonly HashSet<HttpStatusCode> HttpStatuses =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.ServiceUnavailable];

    private static readonly HashSet<StatusCode> GrpcStatuses = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.Unavailable];

    private sealed record Mutation(int Kind, int Position, int Value, int Amount, bool Gzip, bool Grpc);

    private static readonly Gen<Mutation> Mutations = Gen.Select(
        Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[0, 64], Gen.Int[0, 9], Gen.Int[0, 6],
        (kind, position, value, amount, gzip, grpc) => new Mutation(kind, position, value, amount, gzip == 0, grpc == 0));

    [Fact]
    public async Task Mutated_trace_requests_get_documented_statuses_bounded_memory_and_leave_stored_spans_intact()
    {
        using var serve = ServeProcess.Start("--max-request-size", "4MiB");
        using var http = new HttpClient { BaseAddress = serve.HttpEndpoint, Timeout = TimeSpan.FromSeconds(60) };
        using var channel = GrpcChannel.ForAddress(serve.GrpcEndpoint, new GrpcChannelOptions { MaxSendMessageSize = null });
        var invoker = channel.CreateCallInvoker();
        var method = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

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
        var counts = new Dictionary<string, int>();
        long largest = 0;
        var watch = Stopwatch.StartNew();
        Mutations.Sample(
            mutation =>
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(25))
                {
                    return;
                }

                var body = Mutate(seed, seedBytes, mutation);
                var outcome = Send(http, invoker, method, body, mutation);
                lock (counts)
                {
                    largest = Math.Max(largest, body.Length);
                    counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                }
            },
            iter: 400,
            threads: 2);

        var growth = serve.PeakResidentBytes() - baseline;
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

        Assert.DoesNotContain("   at ", serve.Output);
        Assert.DoesNotContain("fail:", serve.Output);
        Assert.DoesNotContain("crit:", serve.Output);
        var bound = (96L << 20) + (16 * largest);
        Assert.True(growth <= bound, $"peak resident set grew by {growth >> 20} MiB (bound {bound >> 20} MiB, largest request {largest} bytes)");
        Assert.True(counts.Values.Sum() > 50, $"only {counts.Values.Sum()} requests were sent in the time budget");
        Assert.True(counts.Keys.Count(k => k.EndsWith(" 200", StringComparison.Ordinal) || k.EndsWith(" OK", StringComparison.Ordinal)) > 0, "no mutated request was accepted");
    }

    /// <summary>The listed spans only: the list of services grows with every accepted fuzzed service name.</summary>
    private static async Task<string> ReferenceSpansAsync(HttpClient http, string query) =>
        JsonDocument.Parse(await http.GetStringAsync(query)).RootElement.GetProperty("spans").GetRawText();

    private static string Send(HttpClient http, CallInvoker invoker, Method<byte[], byte[]> method, byte[] body, Mutation mutation)
    {
        if (mutation.Grpc)
        {
            var code = StatusCode.OK;
            try
            {
                invoker.AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60)), body).ResponseAsync.GetAwaiter().GetResult();
            }
            catch (RpcException ex)
            {
                code = ex.StatusCode;
                Assert.DoesNotContain("   at ", ex.Status.Detail);
            }

            Assert.True(GrpcStatuses.Contains(code), $"gRPC {code} for mutation {mutation}");
            return "grpc " + code;
        }

        using var response = http.PostAsync("/v1/traces", HostileInputTests.Protobuf(mutation.Gzip ? HostileInputTests.Gzip(body) : body, mutation.Gzip)).GetAwaiter().GetResult();
        Assert.True(HttpStatuses.Contains(response.StatusCode), $"HTTP {(int)response.StatusCode} for mutation {mutation}");
        return "http " + (int)response.StatusCode;
    }

    private static byte[] Mutate(ExportTraceServiceRequest seed, byte[] seedBytes, Mutation m)
    {
        var at = m.Position % Math.Max(1, seedBytes.Length);
        byte[] bytes;
        switch (m.Kind)
        {
            case 0: // one byte changed: values, lengths, tags
                bytes = (byte[])seedBytes.Clone();
                bytes[at] = (byte)m.Value;
                return bytes;
            case 1: // cut short
                return seedBytes[..at];
            case 2: // a slice repeated
                var length = Math.Min(m.Amount + 1, seedBytes.Length - at);
                return [.. seedBytes[..(at + length)], .. seedBytes[at..(at + length)], .. seedBytes[(at + length)..]];
            case 3: // a varint made to run on or to claim far more than there is
                bytes = (byte[])seedBytes.Clone();
                bytes[at] = (byte)(0x80 | m.Value);
                return bytes;
            case 4: // a field renumbered, same wire type
                bytes = (byte[])seedBytes.Clone();
                bytes[at] = (byte)((bytes[at] & 0x07) | ((m.Value & 0x0f) << 3));
                return bytes;
            case 5: // an attribute nested m.Amount levels deep
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
            case 6: // a large name: up to 1 MiB
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
