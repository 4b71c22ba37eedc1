using System.IO.Compression;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Building;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// What a profiled process exported through the file exporter: one OTLP request per interval. Sizes are given raw and
/// gzip-compressed the way the OTLP/HTTP exporter compresses a request (CompressionLevel.Fastest), since that is what
/// crosses the network.
/// </summary>
internal sealed record ExportFiles(int Requests, long RawBytes, long GzipBytes, double ProfiledSeconds, double EffectiveHz)
{
    public static ExportFiles Empty { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Compressed bytes per minute of profiled time.</summary>
    public double GzipBytesPerMinute => ProfiledSeconds > 0 ? GzipBytes * 60 / ProfiledSeconds : 0;

    public static ExportFiles Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return Empty;
        }

        int requests = 0;
        long raw = 0;
        long gzip = 0;
        double seconds = 0;
        double ticks = 0;
        double tickSeconds = 0;
        foreach (string file in Directory.GetFiles(directory, "*.pb"))
        {
            byte[] data = File.ReadAllBytes(file);
            requests++;
            raw += data.Length;
            gzip += GzipLength(data);
            var request = ExportProfilesServiceRequest.Parser.ParseFrom(data);
            var profile = request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).FirstOrDefault();
            if (profile is null)
            {
                continue;
            }

            double duration = profile.DurationNano / 1e9;
            seconds += duration;

            // dotnet.sampling.ticks: sampler ticks the interval saw, i.e. samples each thread received.
            var dictionary = request.Dictionary;
            foreach (int index in profile.AttributeIndices)
            {
                var attribute = dictionary.AttributeTable[index];
                if (dictionary.StringTable[attribute.KeyStrindex] == ExportRequestBuilder.SamplingTicksAttribute)
                {
                    ticks += attribute.Value.IntValue;
                    tickSeconds += duration;
                }
            }
        }

        return new ExportFiles(requests, raw, gzip, seconds, tickSeconds > 0 ? ticks / tickSeconds : 0);
    }

    public static long GzipLength(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.Length;
    }
}
