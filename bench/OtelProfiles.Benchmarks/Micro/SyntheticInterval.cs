using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Resources;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.ProfileSources.Sampler;
using OtelProfiles.Symbols;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// One export interval as the builder receives it: <c>samples</c> thread samples over 15 s from 30 threads, on
/// about one distinct stack per 30 samples (a busy service at the default 100 Hz sends ~45,000 samples per interval).
/// Deterministic, so the host process can compute the compressed size the benchmark processes produce.
/// </summary>
internal sealed class SyntheticInterval
{
    public const int Threads = 30;
    private static readonly ConcurrentDictionary<int, long> CompressedSizes = new();

    private SyntheticInterval(int samples)
    {
        var stacks = new SyntheticStacks(methods: 600, stacks: Math.Max(16, samples / 30));
        var table = new SampleTable();
        var random = new Random(7);
        for (int i = 0; i < samples; i++)
        {
            // A skewed pick: a few hot stacks get most samples, as in real profiles.
            int stack = (int)(stacks.Count * Math.Pow(random.NextDouble(), 3));
            table.Record(stacks[stack], 1000 + (i % Threads), runningManagedCode: random.Next(3) != 0);
        }

        var start = new DateTime(2025, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        Interval = new IntervalSamples(table, start, start.AddSeconds(15), SamplingIntervalNs: 1_000_000);
        Builder = new ExportRequestBuilder(
            new FrameResolver(stacks.Methods, () => NativeImageMap.Empty),
            new ThreadNames().Find,
            new InstrumentationScope { Name = "OtelProfiles", Version = "0.1.0" });
        Resource = ResourceConverter.ToProto(ResourceBuilder.CreateDefault().AddService("shop-api", serviceVersion: "1.0.0").Build());
    }

    public IntervalSamples Interval { get; }

    public ExportRequestBuilder Builder { get; }

    public ProtoResource Resource { get; }

    public static SyntheticInterval Create(int samples) => new(samples);

    public ExportProfilesServiceRequest Build() => Builder.Build(Interval, Resource, [new SampledIntervalProfiles(Interval, SamplerSource.Cpu, Wall: true)]).Request;

    /// <summary>The request gzip-compressed as the OTLP/HTTP exporter sends it.</summary>
    public static void WriteCompressed(ExportProfilesServiceRequest request, Stream destination)
    {
        using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        request.WriteTo(gzip);
    }

    /// <summary>Compressed bytes of one export of <paramref name="samples"/> samples (computed once per size).</summary>
    public static long CompressedSize(int samples) => CompressedSizes.GetOrAdd(samples, n =>
    {
        using var buffer = new MemoryStream();
        WriteCompressed(Create(n).Build(), buffer);
        return buffer.Length;
    });
}
