using Google.Protobuf;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection.Events;
using OtelProfiles.Symbols;
using ValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Building;

/// <summary>The event-based profiles: allocations, in-use memory, lock contention and exceptions.</summary>
internal sealed partial class ExportRequestBuilder
{
    /// <summary>The attribute naming the allocated type on allocation and in-use samples.</summary>
    public const string AllocationTypeAttribute = "dotnet.allocation.type";

    /// <summary>The attribute naming the exception type on exception samples (OpenTelemetry semantic convention).</summary>
    public const string ExceptionTypeAttribute = "exception.type";

    /// <summary>Profile attribute: which runtime event the allocation estimates come from.</summary>
    public const string AllocationSamplerAttribute = "dotnet.allocation.sampler";

    /// <summary>The value of <see cref="AllocationSamplerAttribute"/>: .NET 10's randomized allocation sampling.</summary>
    private const string AllocationSampler = "AllocationSampled";

    /// <summary>Profile attribute: whether background GC was on while in-use objects were followed (exact only when off).</summary>
    public const string BackgroundGCAttribute = "dotnet.gc.background";

    private void AddEventProfiles(ProfilesDictionaryBuilder dictionary, ScopeProfiles scope, IntervalSamples interval, EventIntervals events)
    {
        var stacks = new Dictionary<(EventSampleTable Table, int StackId), (int StackIndex, List<KeyValuePair<string, string>> Tags)>();
        long memoryPeriod = (long)AllocationWeights.MeanBytesPerSample;

        if (events.Allocations is { } allocations)
        {
            var (objects, bytes) = Merge(dictionary, stacks, allocations, AllocationTypeAttribute, events.AllocatedTypes);
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.AllocatedObjects, interval, memoryPeriod, objects, (AllocationSamplerAttribute, AllocationSampler)));
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.AllocatedBytes, interval, memoryPeriod, bytes, (AllocationSamplerAttribute, AllocationSampler)));
        }

        if (events.InUse is { } inUse)
        {
            var tracking = (BackgroundGCAttribute, events.BackgroundGC ? "on" : "off");
            var (objects, bytes) = Merge(dictionary, stacks, inUse, AllocationTypeAttribute, events.AllocatedTypes);
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.InUseObjects, interval, memoryPeriod, objects, (AllocationSamplerAttribute, AllocationSampler), tracking));
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.InUseBytes, interval, memoryPeriod, bytes, (AllocationSamplerAttribute, AllocationSampler), tracking));
        }

        if (events.Contention is { } contention)
        {
            var (count, delay) = Merge(dictionary, stacks, contention, null, null);
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.Contentions, interval, 1, count));
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.ContentionDelay, interval, 1, delay));
        }

        if (events.Exceptions is { } exceptions)
        {
            var (count, _) = Merge(dictionary, stacks, exceptions, ExceptionTypeAttribute, events.ExceptionTypes);
            scope.Profiles.Add(CreateEventProfile(dictionary, ProfileTypeDescriptor.Exceptions, interval, 1, count));
        }
    }

    /// <summary>
    /// The table's rows as samples of its two values, merged by {stack, attributes}: distinct raw stacks can name
    /// the same frames. Values stay fractional until the merge is done.
    /// </summary>
    private (Dictionary<(int, string), (List<int>, double)> First, Dictionary<(int, string), (List<int>, double)> Second) Merge(
        ProfilesDictionaryBuilder dictionary,
        Dictionary<(EventSampleTable, int), (int StackIndex, List<KeyValuePair<string, string>> Tags)> stacks,
        EventSampleTable table,
        string? labelAttribute,
        LabelTable? labels)
    {
        var first = new Dictionary<(int, string), (List<int>, double)>();
        var second = new Dictionary<(int, string), (List<int>, double)>();
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

            string attributeKey = string.Join(',', attributes);
            Accumulate(first, (stack.StackIndex, attributeKey), attributes, values.First);
            Accumulate(second, (stack.StackIndex, attributeKey), attributes, values.Second);
        }

        return (first, second);
    }

    private static void Accumulate(Dictionary<(int, string), (List<int> Attributes, double Value)> samples, (int, string) key, List<int> attributes, double value)
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
        Dictionary<(int, string), (List<int> Attributes, double Value)> samples,
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

        foreach (((int stack, _), (List<int> sampleAttributes, double value)) in samples)
        {
            // Estimates are fractional; a sample that rounds to nothing still happened once.
            long rounded = Math.Max(1, (long)Math.Round(value));
            var sample = new Sample { StackIndex = stack };
            sample.AttributeIndices.Add(sampleAttributes);
            sample.Values.Add(rounded);
            profile.Samples.Add(sample);
        }

        return profile;
    }
}
