using System.Diagnostics;
using System.Net;
using CsCheck;
using Grpc.Core;
using Grpc.Net.Client;
using OtelProfiles.Tool.Tests.Receiver;
using Xunit;

namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// The receiver's fuzzing, shared by the profiles and the trace fuzz tests: mutations of a valid request (the
/// byte-level ones here, the message-level ones in each test), sent to a real <c>serve</c> process over OTLP/HTTP or
/// gRPC, with every answer checked against the documented statuses, and the checks on the process afterwards (no
/// failure or stack trace logged, memory within its bound).
/// </summary>
internal sealed class ReceiverFuzzer : IDisposable
{
    /// <summary>The mutations every fuzzed request type shares; message-level kinds of a test start here.</summary>
    public const int ByteLevelKinds = 6;

    private static readonly HashSet<HttpStatusCode> HttpStatuses =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.ServiceUnavailable];

    private static readonly HashSet<StatusCode> GrpcStatuses = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.Unavailable];

    private readonly ServeProcess _serve;
    private readonly string _httpPath;
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Method<byte[], byte[]> _method;

    /// <param name="serve">The receiver under test.</param>
    /// <param name="httpPath">The OTLP/HTTP path, e.g. <c>/v1/traces</c>.</param>
    /// <param name="grpcService">The gRPC service whose <c>Export</c> method takes the same requests.</param>
    public ReceiverFuzzer(ServeProcess serve, string httpPath, string grpcService)
    {
        _serve = serve;
        _httpPath = httpPath;
        Http = new HttpClient { BaseAddress = serve.HttpEndpoint, Timeout = TimeSpan.FromSeconds(60) };
        _channel = GrpcChannel.ForAddress(serve.GrpcEndpoint, new GrpcChannelOptions { MaxSendMessageSize = null });
        _invoker = _channel.CreateCallInvoker();
        _method = new Method<byte[], byte[]>(MethodType.Unary, grpcService, "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
    }

    /// <summary>A client for the receiver's HTTP port.</summary>
    public HttpClient Http { get; }

    /// <summary>The answers counted by kind ("http 400", "grpc OK", ...).</summary>
    public Dictionary<string, int> Answers { get; } = new();

    /// <summary>The largest request body sent.</summary>
    public long Largest { get; private set; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Mutations with <paramref name="kinds"/> kinds (at least <see cref="ByteLevelKinds"/>).</summary>
    public static Gen<Mutation> Mutations(int kinds) => Gen.Select(
        Gen.Int[0, kinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[0, 64], Gen.Int[0, 9], Gen.Int[0, 6],
        (kind, position, value, amount, gzip, grpc) => new Mutation(kind, position, value, amount, gzip == 0, grpc == 0));

    /// <summary>
    /// The byte-level mutations of <paramref name="seed"/> (kinds below <see cref="ByteLevelKinds"/>): values,
    /// lengths, field numbers and wire types, cuts, repeats, insertions. Null for a message-level kind.
    /// </summary>
    public static byte[]? MutateBytes(byte[] seed, Mutation m)
    {
        var at = m.Position % Math.Max(1, seed.Length);
        byte[] bytes;
        switch (m.Kind)
        {
            case 0: // one byte changed: values, lengths, tags
                bytes = (byte[])seed.Clone();
                bytes[at] = (byte)m.Value;
                return bytes;
            case 1: // cut short
                return seed[..at];
            case 2: // a slice repeated: duplicate fields, overlapping messages
                var length = Math.Min(m.Amount + 1, seed.Length - at);
                return [.. seed[..(at + length)], .. seed[at..(at + length)], .. seed[(at + length)..]];
            case 3: // a length or varint made to run on (continuation bit) or to claim far more than there is
                bytes = (byte[])seed.Clone();
                bytes[at] = (byte)(0x80 | m.Value);
                return bytes;
            case 4: // a field renumbered: the tag byte gets another field number, same wire type
                bytes = (byte[])seed.Clone();
                bytes[at] = (byte)((bytes[at] & 0x07) | ((m.Value & 0x0f) << 3));
                return bytes;
            case 5: // random bytes inserted
                var inserted = new byte[m.Amount + 1];
                new Random(m.Position).NextBytes(inserted);
                return [.. seed[..at], .. inserted, .. seed[at..]];
            default:
                return null;
        }
    }

    /// <summary>Sends mutated requests (two at a time) until <paramref name="iterations"/> or <paramref name="budget"/> is spent.</summary>
    public void Run(Gen<Mutation> mutations, Func<Mutation, byte[]> mutate, int iterations, TimeSpan budget)
    {
        var watch = Stopwatch.StartNew();
        mutations.Sample(
            mutation =>
            {
                if (watch.Elapsed > budget)
                {
                    return; // the time budget is spent; remaining samples pass without a request
                }

                var body = mutate(mutation);
                var outcome = Send(body, mutation);
                lock (Answers)
                {
                    Largest = Math.Max(Largest, body.Length);
                    Answers[outcome] = Answers.GetValueOrDefault(outcome) + 1;
                }
            },
            iter: iterations,
            threads: 2);
        Elapsed = watch.Elapsed;
    }

    /// <summary>
    /// The process logged no failure and no stack trace, enough requests were sent, and its peak resident set grew by
    /// at most 96 MiB (the runtime's own growth under load: GC heaps, Kestrel buffers, SQLite cache, the decoded-batch
    /// cache) plus 16 x the largest request (a body, its decompressed copy and its parsed form on each of the four
    /// decoding slots). Returns the growth.
    /// </summary>
    public long AssertHealthy(long baselinePeak)
    {
        var growth = _serve.PeakResidentBytes() - baselinePeak;
        Assert.DoesNotContain("   at ", _serve.Output);
        Assert.DoesNotContain("fail:", _serve.Output);
        Assert.DoesNotContain("crit:", _serve.Output);
        var bound = (96L << 20) + (16 * Largest);
        Assert.True(growth <= bound, $"peak resident set grew by {growth >> 20} MiB (bound {bound >> 20} MiB, largest request {Largest} bytes)");
        Assert.True(Answers.Values.Sum() > 50, $"only {Answers.Values.Sum()} requests were sent in the time budget");
        return growth;
    }

    /// <summary>Sends one request and checks its answer; returns "http 400", "grpc OK" and so on.</summary>
    private string Send(byte[] body, Mutation mutation)
    {
        if (mutation.Grpc)
        {
            var code = StatusCode.OK;
            var detail = "";
            try
            {
                _invoker.AsyncUnaryCall(_method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60)), body).ResponseAsync.GetAwaiter().GetResult();
            }
            catch (RpcException ex)
            {
                code = ex.StatusCode;
                detail = ex.Status.Detail;
                Assert.DoesNotContain("   at ", detail);
            }

            Assert.True(GrpcStatuses.Contains(code), $"gRPC {code} ({detail}) for mutation {mutation}; the receiver's log ends:\n{Tail(_serve.Output)}");
            return "grpc " + code;
        }

        using var response = Http.PostAsync(_httpPath, HostileInputTests.Protobuf(mutation.Gzip ? HostileInputTests.Gzip(body) : body, mutation.Gzip)).GetAwaiter().GetResult();
        Assert.True(HttpStatuses.Contains(response.StatusCode), $"HTTP {(int)response.StatusCode} for mutation {mutation}; the receiver's log ends:\n{Tail(_serve.Output)}");
        return "http " + (int)response.StatusCode;
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];

    public void Dispose()
    {
        _channel.Dispose();
        Http.Dispose();
    }

    /// <summary>One mutation: what to do, where, with which value and how much, and how it is sent.</summary>
    public sealed record Mutation(int Kind, int Position, int Value, int Amount, bool Gzip, bool Grpc);
}
