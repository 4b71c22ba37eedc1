using BenchmarkDotNet.Attributes;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// Our nettrace reader over a real one-second SampleProfiler stream (<see cref="RecordedSamplerStream"/>): decoding
/// alone, and decoding into the sample recorder as the sampler's reader thread does. The ns/sample column divides
/// by the stream's sample count.
/// </summary>
public class NetTraceReaderBenchmarks
{
    private byte[] _stream = [];
    private readonly NetTraceReader _reader = new();
    private readonly RecordedSamplerStream.CountingSink _counter = new();
    private ThreadSampleRecorder _recorder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stream = RecordedSamplerStream.Load();
        _recorder = new ThreadSampleRecorder(new ProfilerThreads(), DateTime.UtcNow);
    }

    [Benchmark]
    public bool Decode() => _reader.ReadToEnd(new MemoryStream(_stream, writable: false), _counter);

    [Benchmark]
    public bool DecodeIntoRecorder()
    {
        return _reader.ReadToEnd(new MemoryStream(_stream, writable: false), _recorder);
    }
}
