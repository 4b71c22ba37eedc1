using System.IO.Compression;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Building;

namespace OtelProfiles.Benchmarks.Measurement;

/// <summary>
/// What a profiled process exported through the file exporter: one OTLP request per interval. Sizes are given raw and
/// gzip-compressed the way the OTLP/HTTP exporter compresses a request (CompressionLevel.Fastest), since that is what
/// crosses the network. An interval in which the sampler's budget kept it off sends nothing, so the profiled time is
/// from the first interval's start to the last one's end, not the sum of the intervals exported.
/// </summary>
internal sealed record ExportFiles(int Requests, long RawBytes, long GzipBytes, double ProfiledSeconds, double EffectiveHz, double PausedPercent = 0, double SpanTrackingPercent = 0, double GcPauseExtraPercent = 0)
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
        ulong first = ulong.MaxValue;
        ulong last = 0;
        double ticks = 0;
        double pausedNs = 0;
        double trackingNs = 0;
        double gcExtraNs = 0;
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

            first = Math.Min(first, profile.TimeUnixNano);
            last = Math.Max(last, profile.TimeUnixNano + profile.DurationNano);

            // dotnet.sampling.ticks: sampler ticks the interval saw, i.e. samples each thread received;
            // dotnet.sampling.paused: how long the sampler kept the app paused.
            var dictionary = request.Dictionary;
            foreach (int index in profile.AttributeIndices)
            {
                var attribute = dictionary.AttributeTable[index];
                string key = dictionary.StringTable[attribute.KeyStrindex];
                if (key == ExportRequestBuilder.SamplingTicksAttribute)
                {
                    ticks += attribute.Value.IntValue;
                }
                else if (key == ExportRequestBuilder.SamplerPausedAttribute)
                {
                    pausedNs += attribute.Value.IntValue;
                }
                else if (key == ExportRequestBuilder.SpanTrackingCpuAttribute)
                {
                    trackingNs += attribute.Value.IntValue;
                }
                else if (key == ExportRequestBuilder.GcPauseExtraAttribute)
                {
                    gcExtraNs += attribute.Value.IntValue;
                }
            }
        }

        double seconds = last > first ? (last - first) / 1e9 : 0;
        double PercentOfTime(double ns) => seconds > 0 ? ns / (seconds * 1e9) * 100 : 0;
        return new ExportFiles(requests, raw, gzip, seconds, seconds > 0 ? ticks / seconds : 0, PercentOfTime(pausedNs), PercentOfTime(trackingNs), PercentOfTime(gcExtraNs));
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
