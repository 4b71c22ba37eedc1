using System.IO.Compression;
using Google.Protobuf;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;

namespace OtelProfiles.Tool.Formats;

/// <summary>
/// Writes profiles of one profile type as a gzip-compressed pprof <c>perftools.profiles.Profile</c>, encoded by hand
/// from the field numbers of google/pprof's proto/profile.proto (noted next to each write). Every distinct frame
/// becomes one Location with one Line and one Function; sample attributes become string labels.
/// </summary>
internal static class PprofWriter
{
    // perftools.profiles.Profile
    private const int ProfileSampleType = 1, ProfileSample = 2, ProfileMapping = 3, ProfileLocation = 4, ProfileFunction = 5,
        ProfileStringTable = 6, ProfileTimeNanos = 9, ProfileDurationNanos = 10, ProfilePeriodType = 11, ProfilePeriod = 12,
        ProfileComment = 13, ProfileDefaultSampleType = 14;

    // ValueType, Sample, Label, Mapping, Location, Line, Function
    private const int ValueTypeType = 1, ValueTypeUnit = 2;
    private const int SampleLocationId = 1, SampleValue = 2, SampleLabel = 3;
    private const int LabelKey = 1, LabelStr = 2;
    private const int MappingId = 1, MappingMemoryStart = 2, MappingMemoryLimit = 3, MappingFilename = 5, MappingHasFunctions = 7;
    private const int LocationId = 1, LocationMappingId = 2, LocationAddress = 3, LocationLine = 4;
    private const int LineFunctionId = 1, LineLine = 2;
    private const int FunctionId = 1, FunctionName = 2, FunctionSystemName = 3, FunctionFilename = 4;

    /// <summary>
    /// Writes all samples of <paramref name="profiles"/> (which must share one profile type) to <paramref name="output"/>;
    /// in-use snapshots become one snapshot (<see cref="GaugeAggregation"/>), as a pprof heap profile is.
    /// </summary>
    public static void Write(IReadOnlyList<DecodedProfile> profiles, Stream output, GaugeMode gauge = GaugeMode.Average)
    {
        profiles = GaugeAggregation.Combine(profiles, gauge);
        if (profiles.Count == 0)
        {
            throw new ArgumentException("no profiles to write", nameof(profiles));
        }

        var type = profiles[0].ProfileType;
        if (profiles.Any(p => p.ProfileType != type))
        {
            throw new ArgumentException("pprof output takes one profile type at a time", nameof(profiles));
        }

        var strings = new StringTable();
        var functions = new Dictionary<(string Name, string? File), ulong>();
        var locations = new Dictionary<Frame, ulong>();
        var functionList = new List<(ulong Id, string Name, string? File)>();
        var locationList = new List<(ulong Id, ulong FunctionId, long Line)>();

        using var body = new MemoryStream();
        var writer = new CodedOutputStream(body, leaveOpen: true);

        // sample_type: exactly one value per sample, the OTLP profile type.
        WriteMessage(writer, ProfileSampleType, w => WriteValueType(w, strings, type));

        foreach (var sample in profiles.SelectMany(p => p.Samples))
        {
            // pprof wants leaf first, like OTLP; the model is root first.
            var ids = new List<ulong>(sample.Frames.Count);
            for (var i = sample.Frames.Count - 1; i >= 0; i--)
            {
                var frame = sample.Frames[i];
                if (!locations.TryGetValue(frame, out var locationId))
                {
                    if (!functions.TryGetValue((frame.Name, frame.FileName), out var functionId))
                    {
                        functionId = (ulong)functions.Count + 1;
                        functions.Add((frame.Name, frame.FileName), functionId);
                        functionList.Add((functionId, frame.Name, frame.FileName));
                    }

                    locationId = (ulong)locations.Count + 1;
                    locations.Add(frame, locationId);
                    locationList.Add((locationId, functionId, frame.Line));
                }

                ids.Add(locationId);
            }

            WriteMessage(writer, ProfileSample, w =>
            {
                WritePackedUInt64(w, SampleLocationId, ids);
                WritePackedInt64(w, SampleValue, [sample.Value]);
                foreach (var attribute in sample.Attributes)
                {
                    WriteMessage(w, SampleLabel, l =>
                    {
                        WriteInt64(l, LabelKey, strings.Index(attribute.Key));
                        WriteInt64(l, LabelStr, strings.Index(attribute.Value));
                    });
                }
            });
        }

        // One synthetic mapping that says "symbolized already", so pprof never tries to symbolize addresses.
        var service = profiles[0].ServiceName;
        WriteMessage(writer, ProfileMapping, w =>
        {
            WriteUInt64(w, MappingId, 1);
            WriteUInt64(w, MappingMemoryStart, 0x1000);
            WriteUInt64(w, MappingMemoryLimit, 0x1000 + (ulong)locationList.Count + 1);
            WriteInt64(w, MappingFilename, strings.Index(service));
            WriteBool(w, MappingHasFunctions, true);
        });

        foreach (var (id, functionId, line) in locationList)
        {
            WriteMessage(writer, ProfileLocation, w =>
            {
                WriteUInt64(w, LocationId, id);
                WriteUInt64(w, LocationMappingId, 1);
                WriteUInt64(w, LocationAddress, 0x1000 + id);
                WriteMessage(w, LocationLine, l =>
                {
                    WriteUInt64(l, LineFunctionId, functionId);
                    WriteInt64(l, LineLine, line);
                });
            });
        }

        foreach (var (id, name, file) in functionList)
        {
            WriteMessage(writer, ProfileFunction, w =>
            {
                WriteUInt64(w, FunctionId, id);
                WriteInt64(w, FunctionName, strings.Index(name));
                WriteInt64(w, FunctionSystemName, strings.Index(name));
                WriteInt64(w, FunctionFilename, strings.Index(file ?? ""));
            });
        }

        var start = profiles.Min(p => p.StartUnixNano);
        var end = profiles.Max(p => p.EndUnixNano);
        WriteInt64(writer, ProfileTimeNanos, start);
        WriteInt64(writer, ProfileDurationNanos, Math.Max(0, end - start));
        var first = profiles[0];
        if (first.PeriodType is not null)
        {
            WriteMessage(writer, ProfilePeriodType, w => WriteValueType(w, strings, first.PeriodType));
            WriteInt64(writer, ProfilePeriod, first.Period);
        }

        WritePackedInt64(writer, ProfileComment, [strings.Index($"converted by otel-profiles from OTLP profiles of {service}")]);
        WriteInt64(writer, ProfileDefaultSampleType, strings.Index(ProfileTypeNames.TypeOf(type)));

        // The string table goes last because the writes above fill it; field order does not matter in protobuf.
        foreach (var s in strings.All)
        {
            writer.WriteTag(ProfileStringTable, WireFormat.WireType.LengthDelimited);
            writer.WriteString(s);
        }

        writer.Flush();
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        body.Position = 0;
        body.CopyTo(gzip);
    }

    private static void WriteValueType(CodedOutputStream w, StringTable strings, string profileType)
    {
        WriteInt64(w, ValueTypeType, strings.Index(ProfileTypeNames.TypeOf(profileType)));
        WriteInt64(w, ValueTypeUnit, strings.Index(ProfileTypeNames.UnitOf(profileType)));
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        var nested = new CodedOutputStream(buffer, leaveOpen: true);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        if (value != 0)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }
    }

    private static void WriteUInt64(CodedOutputStream output, int field, ulong value)
    {
        if (value != 0)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteUInt64(value);
        }
    }

    private static void WriteBool(CodedOutputStream output, int field, bool value)
    {
        if (value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteBool(true);
        }
    }

    private static void WritePackedUInt64(CodedOutputStream output, int field, List<ulong> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var length = values.Sum(v => CodedOutputStream.ComputeUInt64Size(v));
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteLength(length);
        foreach (var v in values)
        {
            output.WriteUInt64(v);
        }
    }

    private static void WritePackedInt64(CodedOutputStream output, int field, IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var length = values.Sum(v => CodedOutputStream.ComputeInt64Size(v));
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteLength(length);
        foreach (var v in values)
        {
            output.WriteInt64(v);
        }
    }

    /// <summary>pprof's string table: index 0 is the empty string, every other string appears once.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, long> _index = new(StringComparer.Ordinal) { [""] = 0 };
        private readonly List<string> _all = [""];

        public IReadOnlyList<string> All => _all;

        public long Index(string value)
        {
            if (!_index.TryGetValue(value, out var index))
            {
                index = _all.Count;
                _all.Add(value);
                _index.Add(value, index);
            }

            return index;
        }
    }
}
