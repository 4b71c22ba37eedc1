using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Otlp;

/// <summary>
/// Turns a validated <see cref="ExportProfilesServiceRequest"/> into the query model: one <see cref="DecodedProfile"/>
/// per OTLP Profile, with stacks resolved to frame names (root first) and attributes rendered as strings.
/// </summary>
internal static class OtlpDecoder
{
    /// <summary>The service name used when a resource has no <c>service.name</c>, as the OpenTelemetry SDKs do.</summary>
    public const string UnknownService = "unknown_service";

    /// <summary>Decodes every profile in <paramref name="request"/>. The request must have passed validation.</summary>
    public static IReadOnlyList<DecodedProfile> Decode(ExportProfilesServiceRequest request)
    {
        var context = new DecodeContext(request.Dictionary ?? new ProfilesDictionary());
        var result = new List<DecodedProfile>();
        foreach (var resourceProfiles in request.ResourceProfiles)
        {
            var resourceAttributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (resourceProfiles.Resource is not null)
            {
                foreach (var kv in resourceProfiles.Resource.Attributes)
                {
                    resourceAttributes[kv.Key] = Render(kv.Value);
                }
            }

            var service = resourceAttributes.TryGetValue("service.name", out var name) && name.Length > 0 ? name : UnknownService;
            foreach (var scopeProfiles in resourceProfiles.ScopeProfiles)
            {
                foreach (var profile in scopeProfiles.Profiles)
                {
                    result.Add(DecodeProfile(profile, context, service, scopeProfiles.Scope?.Name ?? "", resourceAttributes));
                }
            }
        }

        return result;
    }

    /// <summary>Lists (service, profile type) of each profile without resolving samples: cheap, for indexing.</summary>
    internal static IReadOnlyList<(string Service, string ProfileType, long StartUnixNano, long EndUnixNano, int SampleCount)> Summarize(ExportProfilesServiceRequest request)
    {
        var strings = request.Dictionary?.StringTable ?? [];
        var result = new List<(string, string, long, long, int)>();
        foreach (var resourceProfiles in request.ResourceProfiles)
        {
            var service = ServiceNameOf(resourceProfiles.Resource?.Attributes);
            foreach (var profile in resourceProfiles.ScopeProfiles.SelectMany(s => s.Profiles))
            {
                var (start, end) = TimeRange(profile);
                result.Add((service, TypeOf(profile, strings), start, end, profile.Samples.Count));
            }
        }

        return result;
    }

    private static DecodedProfile DecodeProfile(Profile profile, DecodeContext context, string service, string scope, IReadOnlyDictionary<string, string> resourceAttributes)
    {
        var samples = new List<DecodedSample>(profile.Samples.Count);
        foreach (var sample in profile.Samples)
        {
            long value = 0;
            if (sample.Values.Count > 0)
            {
                foreach (var v in sample.Values)
                {
                    value += v;
                }
            }
            else
            {
                value = sample.TimestampsUnixNano.Count;
            }

            samples.Add(new DecodedSample
            {
                Frames = context.StackFrames(sample.StackIndex),
                Value = value,
                Attributes = context.SampleAttributes(sample),
                TimestampsUnixNano = sample.TimestampsUnixNano.Count == 0 ? [] : sample.TimestampsUnixNano.ToArray(),
            });
        }

        var (start, end) = TimeRange(profile);
        return new DecodedProfile
        {
            ServiceName = service,
            ProfileType = TypeOf(profile, context.Strings),
            SampleType = profile.SampleType is null ? ProfileTypeNames.Format("", "") : ProfileTypeNames.Format(At(context.Strings, profile.SampleType.TypeStrindex), At(context.Strings, profile.SampleType.UnitStrindex)),
            PeriodType = profile.PeriodType is null ? null : ProfileTypeNames.Format(At(context.Strings, profile.PeriodType.TypeStrindex), At(context.Strings, profile.PeriodType.UnitStrindex)),
            Period = profile.Period,
            StartUnixNano = start,
            EndUnixNano = end,
            ScopeName = scope,
            ResourceAttributes = resourceAttributes,
            Attributes = profile.AttributeIndices.Count == 0 ? [] : context.Attributes(profile.AttributeIndices),
            Samples = samples,
        };
    }

    internal static string ServiceNameOf(IEnumerable<KeyValue>? attributes)
    {
        var value = attributes?.FirstOrDefault(a => a.Key == "service.name")?.Value;
        var name = value is null ? "" : Render(value);
        return name.Length > 0 ? name : UnknownService;
    }

    private static (long Start, long End) TimeRange(Profile profile)
    {
        var start = (long)Math.Min(profile.TimeUnixNano, long.MaxValue);
        var end = start + (long)Math.Min(profile.DurationNano, (ulong)(long.MaxValue - start));
        return (start, end);
    }

    private static string TypeOf(Profile profile, IList<string> strings)
    {
        var periodType = profile.PeriodType is null ? null : At(strings, profile.PeriodType.TypeStrindex);
        if (IsCpuNanosecondsAsCounts(profile, strings))
        {
            return ProfileTypeNames.Format("cpu", "nanoseconds");
        }

        return profile.SampleType is null
            ? ProfileTypeNames.Format("", "", periodType)
            : ProfileTypeNames.Format(At(strings, profile.SampleType.TypeStrindex), At(strings, profile.SampleType.UnitStrindex), periodType);
    }

    /// <summary>
    /// A CPU profile whose counts are nanoseconds: samples/count of a 1 ns cpu period (the OtelProfiles library's
    /// <c>OTEL_PROFILES_CPU_SAMPLE_TYPE=samples</c>). Each count is one nanosecond, so it is the same profile as
    /// cpu/nanoseconds and is shown and merged as one. Other periods stay sample counts (cpu:samples/count).
    /// </summary>
    private static bool IsCpuNanosecondsAsCounts(Profile profile, IList<string> strings) =>
        profile.Period == 1
        && profile.SampleType is { } sample && profile.PeriodType is { } period
        && At(strings, sample.TypeStrindex) == "samples" && At(strings, sample.UnitStrindex) == "count"
        && At(strings, period.TypeStrindex) == "cpu" && At(strings, period.UnitStrindex) == "nanoseconds";

    internal static string At(IList<string> strings, int index) => index > 0 && index < strings.Count ? strings[index] : "";

    /// <summary>Renders an attribute value as text (arrays and maps in a JSON-like form).</summary>
    internal static string Render(AnyValue? value)
    {
        if (value is null || value.ValueCase == AnyValue.ValueOneofCase.StringValue)
        {
            return value?.StringValue ?? "";
        }

        // One builder for the whole value: concatenating per level would copy a large nested string once per level.
        var text = new StringBuilder();
        Render(value, text);
        return text.ToString();
    }

    private static void Render(AnyValue? value, StringBuilder text)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: text.Append(value.StringValue); break;
            case AnyValue.ValueOneofCase.IntValue: text.Append(value.IntValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.DoubleValue: text.Append(value.DoubleValue.ToString("R", CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.BoolValue: text.Append(value.BoolValue ? "true" : "false"); break;
            case AnyValue.ValueOneofCase.BytesValue: text.Append(Convert.ToHexStringLower(value.BytesValue.Span)); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                text.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Render(value.ArrayValue.Values[i], text);
                }

                text.Append(']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                text.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    text.Append(value.KvlistValue.Values[i].Key).Append('=');
                    Render(value.KvlistValue.Values[i].Value, text);
                }

                text.Append('}');
                break;
        }
    }

    /// <summary>How many frames a stack's <paramref name="locations"/> expand to: one per inlined line, one for a location without lines.</summary>
    internal static long ExpandedLength(IList<int> locations, ProfilesDictionary dictionary)
    {
        long total = 0;
        foreach (var locationIndex in locations)
        {
            total += locationIndex > 0 && locationIndex < dictionary.LocationTable.Count
                ? Math.Max(1, dictionary.LocationTable[locationIndex].Lines.Count)
                : 1;
        }

        return total;
    }

    /// <summary>Caches what many samples share: resolved stacks and attribute sets.</summary>
    private sealed class DecodeContext(ProfilesDictionary dictionary)
    {
        private readonly Dictionary<int, Frame[]> _stacks = [];
        private readonly Dictionary<(int Function, long Line, int Mapping), Frame> _lineFrames = [];
        private readonly Dictionary<string, SampleAttribute[]> _attributeSets = new(StringComparer.Ordinal);

        public IList<string> Strings => dictionary.StringTable;

        public Frame[] StackFrames(int stackIndex)
        {
            if (_stacks.TryGetValue(stackIndex, out var cached))
            {
                return cached;
            }

            // OTLP stacks are leaf first, and within a location the lines run from the innermost inlined function
            // to its caller; the model wants root first, so collect leaf-first and reverse once. A stack deeper than
            // the limit keeps its innermost frames and gets a root marker for the rest, so every view stays bounded.
            var frames = new List<Frame>();
            if (stackIndex > 0 && stackIndex < dictionary.StackTable.Count)
            {
                var locations = dictionary.StackTable[stackIndex].LocationIndices;
                var expanded = OtlpDecoder.ExpandedLength(locations, dictionary);
                var keep = expanded > StackLimits.MaxStackFrames ? StackLimits.MaxStackFrames - 1 : expanded;
                foreach (var locationIndex in locations)
                {
                    if (frames.Count >= keep)
                    {
                        break;
                    }

                    if (locationIndex <= 0 || locationIndex >= dictionary.LocationTable.Count)
                    {
                        frames.Add(new Frame("[unknown]"));
                        continue;
                    }

                    var location = dictionary.LocationTable[locationIndex];
                    if (location.Lines.Count == 0)
                    {
                        frames.Add(new Frame(location.Address == 0 ? "[unknown]" : $"0x{location.Address:x}", MappingFile(location)));
                        continue;
                    }

                    foreach (var line in location.Lines)
                    {
                        if (frames.Count >= keep)
                        {
                            break;
                        }

                        frames.Add(LineFrame(line, location));
                    }
                }

                if (expanded > keep)
                {
                    frames.Add(new Frame(StackLimits.TruncationMarker(expanded - keep)));
                }
            }

            frames.Reverse();
            var array = frames.ToArray();
            _stacks[stackIndex] = array;
            return array;
        }

        private Frame LineFrame(Line line, Location location)
        {
            // Frames are interned per (function, line) so a large profile holds each name once.
            var key = (line.FunctionIndex, line.Line_, location.MappingIndex);
            if (_lineFrames.TryGetValue(key, out var frame))
            {
                return frame;
            }

            var function = line.FunctionIndex > 0 && line.FunctionIndex < dictionary.FunctionTable.Count
                ? dictionary.FunctionTable[line.FunctionIndex]
                : null;
            var name = function is null ? "" : At(Strings, function.NameStrindex);
            if (name.Length == 0 && function is not null)
            {
                name = At(Strings, function.SystemNameStrindex);
            }

            var file = function is null ? "" : At(Strings, function.FilenameStrindex);
            if (file.Length == 0)
            {
                file = MappingFile(location) ?? "";
            }

            var systemName = function is null ? "" : At(Strings, function.SystemNameStrindex);
            frame = new Frame(name.Length == 0 ? "[unknown]" : name, file.Length == 0 ? null : file, line.Line_, systemName.Length == 0 ? null : systemName);
            _lineFrames[key] = frame;
            return frame;
        }

        private string? MappingFile(Location location)
        {
            if (location.MappingIndex <= 0 || location.MappingIndex >= dictionary.MappingTable.Count)
            {
                return null;
            }

            var file = At(Strings, dictionary.MappingTable[location.MappingIndex].FilenameStrindex);
            return file.Length == 0 ? null : file;
        }

        public SampleAttribute[] SampleAttributes(Sample sample)
        {
            if (sample.AttributeIndices.Count == 0 && sample.LinkIndex == 0)
            {
                return [];
            }

            var key = string.Join(",", sample.AttributeIndices) + "|" + sample.LinkIndex.ToString(CultureInfo.InvariantCulture);
            if (_attributeSets.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var list = new List<SampleAttribute>();
            AddAttributes(sample.AttributeIndices, list);
            if (sample.LinkIndex > 0 && sample.LinkIndex < dictionary.LinkTable.Count)
            {
                var link = dictionary.LinkTable[sample.LinkIndex];
                if (!link.TraceId.IsEmpty)
                {
                    list.Add(new SampleAttribute("trace_id", Convert.ToHexStringLower(link.TraceId.Span)));
                }

                if (!link.SpanId.IsEmpty)
                {
                    list.Add(new SampleAttribute("span_id", Convert.ToHexStringLower(link.SpanId.Span)));
                }
            }

            var array = list.ToArray();
            _attributeSets[key] = array;
            return array;
        }

        /// <summary>The attributes that <paramref name="indices"/> point to (a profile's own, for example).</summary>
        public SampleAttribute[] Attributes(RepeatedField<int> indices)
        {
            var list = new List<SampleAttribute>(indices.Count);
            AddAttributes(indices, list);
            return list.ToArray();
        }

        private void AddAttributes(IList<int> indices, List<SampleAttribute> list)
        {
            foreach (var index in indices)
            {
                if (index <= 0 || index >= dictionary.AttributeTable.Count)
                {
                    continue;
                }

                var attribute = dictionary.AttributeTable[index];
                list.Add(new SampleAttribute(At(Strings, attribute.KeyStrindex), Render(attribute.Value)));
            }
        }
    }
}
