using System.Text.Json;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// Writes the speedscope file format (https://www.speedscope.app/file-format-schema.json): one "sampled" profile per
/// (service, profile type), frames shared across them. Stacks are root first, as speedscope expects; weights are the
/// OTLP sample values, unchanged, with the unit mapped to speedscope's units ("none" for counts).
/// </summary>
internal static class SpeedscopeWriter
{
    /// <summary>The schema URL speedscope files declare.</summary>
    public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";

    /// <summary>
    /// Writes <paramref name="profiles"/> to <paramref name="output"/> as one speedscope JSON document; in-use
    /// snapshots are combined (<see cref="GaugeAggregation"/>), not added.
    /// </summary>
    public static void Write(IReadOnlyList<DecodedProfile> profiles, Stream output, string name, GaugeMode gauge = GaugeMode.Average)
    {
        profiles = GaugeAggregation.Combine(profiles, gauge);
        var frameIndex = new Dictionary<Frame, int>();
        var frames = new List<Frame>();
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUrl);
        json.WriteString("name", name);
        json.WriteNumber("activeProfileIndex", 0);
        json.WriteString("exporter", "otel-profiles");

        // Profiles first (they discover the frames), shared frames after: JSON object member order is free.
        json.WriteStartArray("profiles");
        foreach (var group in profiles.GroupBy(p => (p.ServiceName, p.ProfileType)))
        {
            var members = group.ToList();
            long total = 0;
            json.WriteStartObject();
            json.WriteString("type", "sampled");
            json.WriteString("name", $"{group.Key.ServiceName} {group.Key.ProfileType}");
            json.WriteString("unit", SpeedscopeUnit(ProfileTypeNames.UnitOf(group.Key.ProfileType)));
            json.WriteNumber("startValue", 0);
            json.WriteStartArray("samples");
            foreach (var sample in members.SelectMany(p => p.Samples))
            {
                json.WriteStartArray();
                foreach (var frame in sample.Frames)
                {
                    if (!frameIndex.TryGetValue(frame, out var index))
                    {
                        index = frames.Count;
                        frames.Add(frame);
                        frameIndex.Add(frame, index);
                    }

                    json.WriteNumberValue(index);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("weights");
            foreach (var sample in members.SelectMany(p => p.Samples))
            {
                json.WriteNumberValue(sample.Value);
                total += sample.Value;
            }

            json.WriteEndArray();
            json.WriteNumber("endValue", total);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("shared");
        json.WriteStartArray("frames");
        foreach (var frame in frames)
        {
            json.WriteStartObject();
            json.WriteString("name", frame.Name);
            if (frame.FileName is not null)
            {
                json.WriteString("file", frame.FileName);
            }

            if (frame.Line > 0)
            {
                json.WriteNumber("line", frame.Line);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Maps an OTLP unit to speedscope's ValueUnit enum.</summary>
    public static string SpeedscopeUnit(string otlpUnit) => otlpUnit.ToLowerInvariant() switch
    {
        "nanoseconds" or "ns" => "nanoseconds",
        "microseconds" or "us" => "microseconds",
        "milliseconds" or "ms" => "milliseconds",
        "seconds" or "s" => "seconds",
        "bytes" or "by" => "bytes",
        _ => "none",
    };
}
