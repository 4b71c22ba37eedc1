using Google.Protobuf;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.Symbols;
using ValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Building;

/// <summary>
/// The event-based profiles: each row of an event table holds two estimated values for {stack, thread, label}; the
/// table becomes one profile per value exported (see <see cref="EventProfileLayout"/>).
/// </summary>
internal sealed partial class ExportRequestBuilder
{
    internal void AddEventProfiles(IntervalRequest request, EventSampleTable table, EventProfileLayout layout)
    {
        var (first, second) = Merge(request.Dictionary, request.EventStacks, table, layout.LabelAttribute, layout.Labels);
        (string Key, string Value)[] attributes = layout.Attributes?.ToArray() ?? [];
        request.Scope.Profiles.Add(CreateEventProfile(request.Dictionary, layout.First, request.Interval, layout.Period, first, attributes));
        if (layout.Second is { } secondType)
        {
            request.Scope.Profiles.Add(CreateEventProfile(request.Dictionary, secondType, request.Interval, layout.Period, second, attributes));
        }
    }

    /// <summary>
    /// The table's rows as samples of its two values, merged by {stack, attributes}: distinct raw stacks can name
    /// the same frames. Values stay fractional until the merge is done.
    /// </summary>
    private (Dictionary<(int, string, int), (List<int>, double)> First, Dictionary<(int, string, int), (List<int>, double)> Second) Merge(
        ProfilesDictionaryBuilder dictionary,
        Dictionary<(EventSampleTable, int), (int StackIndex, List<KeyValuePair<string, string>> Tags)> stacks,
        EventSampleTable table,
        string? labelAttribute,
        LabelTable? labels)
    {
        var first = new Dictionary<(int, string, int), (List<int>, double)>();
        var second = new Dictionary<(int, string, int), (List<int>, double)>();
        foreach ((EventSampleKey key, EventSampleValues values) in table.Rows)
        {
            ReadOnlySpan<ulong> rawStack = table.Stacks.Get(key.StackId);
            if (rawStack.IsEmpty)
            {
                continue; // an event without a stack says nothing about where it came from
            }

            if (!stacks.TryGetValue((table, key.StackId), out var stack))
            {
                var built = BuildStack(dictionary, TrimRuntimeFrames(rawStack));
                stack = (built.StackIndex, built.Tags);
                stacks[(table, key.StackId)] = stack;
            }

            List<int> attributes = key.ThreadId != 0
                ? SampleAttributes(dictionary, key.ThreadId, stack.Tags)
                : stack.Tags.Select(t => dictionary.Attribute(t.Key, t.Value)).ToList();
            if (labelAttribute is not null && labels is not null)
            {
                attributes.Add(dictionary.Attribute(labelAttribute, labels.Name(key.Label)));
            }

            int link = AddContext(dictionary, attributes, table.Contexts.Get(key.ContextId), stack.Tags);
            string attributeKey = string.Join(',', attributes);
            Accumulate(first, (stack.StackIndex, attributeKey, link), attributes, values.First);
            Accumulate(second, (stack.StackIndex, attributeKey, link), attributes, values.Second);
        }

        return (first, second);
    }

    private static void Accumulate(Dictionary<(int, string, int), (List<int> Attributes, double Value)> samples, (int, string, int) key, List<int> attributes, double value)
    {
        samples[key] = samples.TryGetValue(key, out var existing) ? (existing.Attributes, existing.Value + value) : (attributes, value);
    }

    /// <summary>
    /// An event's stack starts where the runtime raised it: in its native allocation or lock helpers, or in its
    /// managed exception dispatcher (System.Runtime.EH, .NET 9+). The profile attributes the event to the code that
    /// caused it, so those leading runtime frames go (unknown frames stay: they may be managed code not named yet).
    /// </summary>
    private ReadOnlySpan<ulong> TrimRuntimeFrames(ReadOnlySpan<ulong> stack)
    {
        int first = 0;
        while (first < stack.Length - 1 && IsRuntimeFrame(_frames.Resolve(stack[first])))
        {
            first++;
        }

        return stack[first..];
    }

    private static bool IsRuntimeFrame(ResolvedFrame frame) => frame.IsManaged
        ? frame.Method!.TypeName == "System.Runtime.EH"
        : frame.File is { } file
            && (file.Contains("coreclr", StringComparison.OrdinalIgnoreCase) || file.Contains("clrjit", StringComparison.OrdinalIgnoreCase));

    private static Profile CreateEventProfile(
        ProfilesDictionaryBuilder dictionary,
        ProfileTypeDescriptor type,
        IntervalSamples interval,
        long period,
        Dictionary<(int, string, int), (List<int> Attributes, double Value)> samples,
        params (string Key, string Value)[] attributes)
    {
        var profile = new Profile
        {
            SampleType = new ValueType { TypeStrindex = dictionary.String(type.SampleType), UnitStrindex = dictionary.String(type.SampleUnit) },
            PeriodType = new ValueType { TypeStrindex = dictionary.String(type.PeriodType), UnitStrindex = dictionary.String(type.PeriodUnit) },
            Period = period,
            TimeUnixNano = (ulong)(interval.StartUtc - DateTime.UnixEpoch).Ticks * 100,
            DurationNano = (ulong)Math.Max(1, interval.DurationNs),
            ProfileId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
        };

        foreach ((string key, string value) in attributes)
        {
            profile.AttributeIndices.Add(dictionary.Attribute(key, value));
        }

        foreach (((int stack, _, int link), (List<int> sampleAttributes, double value)) in samples)
        {
            // Estimates are fractional; a sample that rounds to nothing still happened once.
            long rounded = Math.Max(1, (long)Math.Round(value));
            var sample = new Sample { StackIndex = stack, LinkIndex = link };
            sample.AttributeIndices.Add(sampleAttributes);
            sample.Values.Add(rounded);
            profile.Samples.Add(sample);
        }

        return profile;
    }
}
