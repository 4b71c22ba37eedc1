using System.Net;
using Google.Protobuf;
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
    private const int Kinds = ReceiverFuzzer.ByteLevelKinds + 4;

    [Fact]
    public async Task Mutated_requests_get_documented_statuses_bounded_memory_and_leave_stored_data_intact()
    {
        using var serve = ServeProcess.Start("--max-request-size", "4MiB");
        using var fuzzer = new ReceiverFuzzer(serve, "/v1development/profiles", "opentelemetry.proto.collector.profiles.v1development.ProfilesService");
        var http = fuzzer.Http;

        // Data stored before the run, under a service name no mutation of the fuzzed request can produce.
        (await http.PostAsync("/v1development/profiles", HostileInputTests.Protobuf(KnownProfiles.Build(service: "reference").BuildBytes()))).EnsureSuccessStatusCode();
        const string ReferenceQuery = "/api/flamegraph?service=reference&type=cpu:samples/count";
        var referenceBefore = await http.GetStringAsync(ReferenceQuery);
        var baseline = serve.PeakResidentBytes();

        var seed = KnownProfiles.Build(service: "fuzz").Build();
        var seedBytes = seed.ToByteArray();
        fuzzer.Run(ReceiverFuzzer.Mutations(Kinds), m => ReceiverFuzzer.MutateBytes(seedBytes, m) ?? Mutate(seed, m), iterations: 600, budget: TimeSpan.FromSeconds(40));

        Assert.Equal(referenceBefore, await http.GetStringAsync(ReferenceQuery));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var growth = fuzzer.AssertHealthy(baseline);
        File.AppendAllText(Path.Combine(TestPaths.Screenshots, "..", "reliability-measurements.txt"),
            $"fuzzer: {fuzzer.Answers.Values.Sum()} requests in {fuzzer.Elapsed.TotalSeconds:0} s ({string.Join(", ", fuzzer.Answers.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}), " +
            $"largest request {fuzzer.Largest} bytes, peak RSS {baseline >> 20} -> {serve.PeakResidentBytes() >> 20} MiB (+{growth >> 20} MiB)\n");
    }

    /// <summary>The message-level mutations of a profiles request (kinds from <see cref="ReceiverFuzzer.ByteLevelKinds"/> on).</summary>
    private static byte[] Mutate(ExportProfilesServiceRequest seed, ReceiverFuzzer.Mutation m)
    {
        switch (m.Kind - ReceiverFuzzer.ByteLevelKinds)
        {
            case 0: // an index pointed somewhere else: stack, location, function, string, attribute
                return MutateIndex(seed, m).ToByteArray();
            case 1: // an attribute nested m.Amount levels deep
                return HostilePayloads.NestedAttribute(4 + (2 * m.Amount), 16 + m.Value, service: "fuzz");
            case 2: // a large string: up to 1 MiB
                var big = seed.Clone();
                big.Dictionary.StringTable.Add(new string('s', (m.Position % 1024) * 1024));
                return big.ToByteArray();
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

    private static ExportProfilesServiceRequest MutateIndex(ExportProfilesServiceRequest seed, ReceiverFuzzer.Mutation m)
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
