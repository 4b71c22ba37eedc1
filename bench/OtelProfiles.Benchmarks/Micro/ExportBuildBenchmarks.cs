using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// What the interval thread does every 15 s: <see cref="OtelProfiles.Building.ExportRequestBuilder.Build"/> turns
/// the sample table into an OTLP request, which is serialized and gzip-compressed for export. Per-sample time and
/// allocation, and the compressed size of one export, are extra columns (see <see cref="MicroColumns"/>).
/// </summary>
public class ExportBuildBenchmarks
{
    private SyntheticInterval _interval = null!;
    private ExportProfilesServiceRequest _request = null!;
    private MemoryStream _buffer = null!;

    /// <summary>Samples in the interval: a small service, and a busy one at the default 100 Hz (30 threads × 15 s).</summary>
    [Params(5_000, 45_000)]
    public int Samples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _interval = SyntheticInterval.Create(Samples);
        _request = _interval.Build();
        _buffer = new MemoryStream(1 << 20);
    }

    [Benchmark]
    public object Build() => _interval.Build(); // object: the protocol types are internal to the library

    [Benchmark]
    public long Serialize()
    {
        _buffer.Position = 0;
        _request.WriteTo(_buffer);
        return _buffer.Position;
    }

    [Benchmark]
    public long BuildSerializeGzip()
    {
        _buffer.SetLength(0);
        SyntheticInterval.WriteCompressed(_interval.Build(), _buffer);
        return _buffer.Length;
    }
}
