using System.Diagnostics;
using System.Net;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Tool.Tests.Support;
using Xunit;

namespace OtelProfiles.Tool.Tests.Receiver;

/// <summary>
/// Issue 19's receiver fuzzer: valid requests mutated at the byte level (values, lengths, field numbers, cuts,
/// repeats) and at the message level (indexes, nesting, sizes), posted to a real <c>serve</c> process over HTTP and
/// gRPC. Every answer must be a status from the documented set, the process must log no failure and no stack trace,
/// its memory must stay within a stated bound, and data stored before the run must read back unchanged.
/// </summary>
public class ReceiverFuzzTests
{
    private static readonly HashSet<HttpStatusCode> HttpStatuses =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.ServiceUnavailable];

    private static readonly HashSet<StatusCode> GrpcStatuses = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.Unavailable];

    /// <summary>One mutation: what to do, where, with which value and how much.</summary>
    private sealed record Mutation(int Kind, int Position, int Value, int Amount, bool Gzip, bool Grpc);

    private static readonly Gen<Mutation> Mutations = Gen.Select(
        Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[0, 64], Gen.Int[0, 9], Gen.Int[0, 6],
        (kind, position, value, amount, gzip, grpc) => new Mutation(kind, position, value, amount, gzip == 0, grpc == 0));

    [Fact]
    public async Task Mutated_requests_get_documented_statuses_bounded_memory_and_leave_stored_data_intact()
    {
        using var serve = ServeProcess.Start("--max-request-size", "4MiB");
        using var http = new HttpClient { BaseAddress = serve.HttpEndpoint, Timeout = TimeSpan.FromSeconds(60) };
        using var channel = GrpcChannel.ForAddress(serve.GrpcEndpoint, new GrpcChannelOptions { MaxSendMessageSize = null });
        var invoker = channel.CreateCallInvoker();
        var method = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.profiles.v1development.ProfilesService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        // Data stored before the run, under a service name no mutation of the fuzzed request can produce.
        (await http.PostAsync("/v1development/profiles", HostileInputTests.Protobuf(KnownProfiles.Build(service: "reference").BuildBytes()))).EnsureSuccessStatusCode();
        const string ReferenceQuery = "/api/flamegraph?service=reference&type=cpu:samples/count";
        var referenceBefore = await http.GetStringAsync(ReferenceQuery);
        var baseline = serve.PeakResidentBytes();

        var seed = KnownProfiles.Build(service: "fuzz").Build();
        var seedBytes = seed.ToByteArray();
        var counts = new Dictionary<string, int>();
        long largest = 0;
        var watch = Stopwatch.StartNew();
        Mutations.Sample(
            mutation =>
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(40))
                {
                    return; // the time budget is spent; remaining samples pass without a request
                }

                var body = Mutate(seed, seedBytes, mutation);
                lock (counts)
                {
                    largest = Math.Max(largest, body.Length);
                }

                var outcome = Send(http, invoker, method, body, mutation);
                lock (counts)
                {
                    counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                }
            },
            iter: 600,
            threads: 2);

        var growth = serve.PeakResidentBytes() - baseline;
        Assert.Equal(referenceBefore, await http.GetStringAsync(ReferenceQuery));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain("   at ", serve.Output);
        Assert.DoesNotContain("fail:", serve.Output);
        Assert.DoesNotContain("crit:", serve.Output);

        // The bound: 96 MiB for the runtime's own growth under load (GC heaps, Kestrel buffers, SQLite cache, the
        // decoded-batch cache) plus 16 x the largest request, which covers a body, its decompressed copy and its
        // parsed form on each of the four decoding slots.
        var bound = (96L << 20) + (16 * largest);
        Assert.True(growth <= bound, $"peak resident set grew by {growth >> 20} MiB (bound {bound >> 20} MiB, largest request {largest} bytes)");
        Assert.True(counts.Values.Sum() > 50, $"only {counts.Values.Sum()} requests were sent in the time budget");
        File.AppendAllText(Path.Combine(TestPaths.Screenshots, "..", "reliability-measurements.txt"),
            $"fuzzer: {counts.Values.Sum()} requests in {watch.Elapsed.TotalSeconds:0} s ({string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}), " +
            $"largest request {largest} bytes, peak RSS {baseline >> 20} -> {serve.PeakResidentBytes() >> 20} MiB (+{growth >> 20} MiB, bound {bound >> 20} MiB)\n");
    }

    /// <summary>Sends one mutated request and checks its answer; returns "http 400", "grpc OK" and so on.</summary>
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

        using var response = http.PostAsync("/v1development/profiles", HostileInputTests.Protobuf(mutation.Gzip ? HostileInputTests.Gzip(body) : body, mutation.Gzip)).GetAwaiter().GetResult();
        Assert.True(HttpStatuses.Contains(response.StatusCode), $"HTTP {(int)response.StatusCode} for mutation {mutation}");
        return "http " + (int)response.StatusCode;
    }

    private static byte[] Mutate(ExportProfilesServiceRequest seed, byte[] seedBytes, Mutation m)
    {
        var bytes = seedBytes;
        var at = m.Position % Math.Max(1, bytes.Length);
        switch (m.Kind)
        {
            case 0: // one byte changed: values, lengths, tags (field numbers and wire types)
                bytes = (byte[])bytes.Clone();
                bytes[at] = (byte)m.Value;
                return bytes;
            case 1: // cut short
                return bytes[..at];
            case 2: // random bytes inserted
                var random = new Random(m.Position);
                var inserted = new byte[m.Amount + 1];
                random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            case 3: // a slice repeated: duplicate fields, overlapping messages
                var length = Math.Min(m.Amount + 1, bytes.Length - at);
                return [.. bytes[..(at + length)], .. bytes[at..(at + length)], .. bytes[(at + length)..]];
            case 4: // a length or varint made to run on (continuation bit) or to claim far more than there is
                bytes = (byte[])bytes.Clone();
                bytes[at] = (byte)(0x80 | m.Value);
                return bytes;
            case 5: // an index pointed somewhere else: stack, location, function, string, attribute
                return MutateIndex(seed, m).ToByteArray();
            case 6: // an attribute nested m.Amount levels deep
                return HostilePayloads.NestedAttribute(4 + (2 * m.Amount), 16 + m.Value, service: "fuzz");
            case 7: // a large string: up to 1 MiB
                var big = seed.Clone();
                big.Dictionary.StringTable.Add(new string('s', (m.Position % 1024) * 1024));
                return big.ToByteArray();
            case 8: // a field renumbered: the first tag byte of a random field gets another number, same wire type
                bytes = (byte[])bytes.Clone();
                bytes[at] = (byte)((bytes[at] & 0x07) | ((m.Value & 0x0f) << 3));
                return bytes;
            default: // many samples: sizes and counts
                var many = seed.Clone();
                var profile = many.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
                for (var i = 0; i < m.Amount * 50; i++)
                {
                    profile.Samples.Add(profile.Samples[i % 4].Clone());
                }

                return many.ToByteArray();
        }
    }

    private static ExportProfilesServiceRequest MutateIndex(ExportProfilesServiceRequest seed, Mutation m)
    {
        var request = seed.Clone();
        var d = request.Dictionary;
        var value = (m.Position % 3) switch { 0 => m.Value - 128, 1 => m.Value, _ => int.MaxValue - m.Value };
        switch (m.Amount % 6)
        {
            case 0: request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0].StackIndex = value; break;
            case 1: d.StackTable[1].LocationIndices[0] = value; break;
            case 2: d.LocationTable[1].Lines[0].FunctionIndex = value; break;
            case 3: d.FunctionTable[1].NameStrindex = value; break;
            case 4: request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0].AttributeIndices.Add(value); break;
            default: request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].SampleType.UnitStrindex = value; break;
        }

        return request;
    }
}
