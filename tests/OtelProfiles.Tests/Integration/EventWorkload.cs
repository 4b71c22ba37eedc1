using System.Globalization;
using System.Text.RegularExpressions;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// Runs one event-based workload mode (alloc, retain, lock, throw) against a real gRPC receiver and hands back
/// what arrived, decoded, together with the "TRUTH" numbers the child printed about what it really did.
/// </summary>
internal sealed partial class EventWorkload
{
    private EventWorkload(WorkloadResult run, IReadOnlyList<ExportProfilesServiceRequest> requests)
    {
        Run = run;
        Requests = requests;
        Profiles = requests.SelectMany(OtlpDecoder.Decode).ToList();
    }

    public WorkloadResult Run { get; }

    public IReadOnlyList<ExportProfilesServiceRequest> Requests { get; }

    public IReadOnlyList<DecodedProfile> Profiles { get; }

    public static async Task<EventWorkload> RunAsync(string mode, int seconds, string types, params (string Key, string Value)[] extra)
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",
            ["OTEL_PROFILES_TYPES"] = types,
        };
        foreach ((string key, string value) in extra)
        {
            settings[key] = value;
        }

        WorkloadResult run = await WorkloadProcess.RunAsync(seconds, mode, settings);
        Assert.True(run.Completed, run.Output);
        var requests = receiver.Requests.Select(r => r.Request!).ToList();
        Assert.True(requests.Count > 0, "no export arrived\n" + run.Output);
        requests.ForEach(ProfileInvariants.AssertValid);
        return new EventWorkload(run, requests);
    }

    /// <summary>A number from the child's TRUTH line, for example <c>Truth("bytes")</c>.</summary>
    public long Truth(string name)
    {
        Match match = Regex.Match(Run.Output, $@"TRUTH .*\b{Regex.Escape(name)}=(\d+)");
        Assert.True(match.Success, $"no {name}= in the child's TRUTH line\n{Run.Output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The profiles of one sample type ("alloc_space/bytes"), checked to carry the expected period type.</summary>
    public List<DecodedProfile> OfType(string sampleType, string periodType)
    {
        var profiles = Profiles.Where(p => p.SampleType == sampleType).ToList();
        Assert.True(profiles.Count > 0, $"no {sampleType} profile; got {string.Join(", ", Profiles.Select(p => p.SampleType).Distinct())}\n{Run.Output}");
        Assert.All(profiles, p => Assert.Equal(periodType, p.PeriodType));
        return profiles;
    }

    /// <summary>The values of a profile-level attribute over every profile of one sample type ("inuse_space").</summary>
    public IEnumerable<string> ProfileAttribute(string sampleType, string key) =>
        Profiles.Where(p => ProfileTypeNames.TypeOf(p.SampleType) == sampleType).Select(p => p.GetAttribute(key)).OfType<string>();

    /// <summary>The sum of sample values whose stack passes through <paramref name="function"/>.</summary>
    public static long Through(IEnumerable<DecodedProfile> profiles, string function) =>
        profiles.SelectMany(p => p.Samples).Where(s => s.Frames.Any(f => f.Name == function)).Sum(s => s.Value);
}
