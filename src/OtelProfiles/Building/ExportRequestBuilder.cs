using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Symbols;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;
using ValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Building;

/// <summary>
/// Turns one finished interval into one <see cref="ExportProfilesServiceRequest"/>: a shared dictionary and one
/// <see cref="Profile"/> per enabled sample type, samples merged by {stack, attributes}. The event-based profiles
/// (allocations, in-use, locks, exceptions) are added by the other part of this class.
/// </summary>
internal sealed partial class ExportRequestBuilder
{
    public const string SamplingIntervalAttribute = "dotnet.sampling.interval";
    public const string SamplingTicksAttribute = "dotnet.sampling.ticks";
    public const string SamplerPausedAttribute = "dotnet.sampling.paused";
    public const string ProfilerCpuAttribute = "dotnet.profiler.cpu";

    private readonly FrameResolver _frames;
    private readonly ThreadNames _threadNames;
    private readonly Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? _frameTags;
    private readonly InstrumentationScope _scope;

    public ExportRequestBuilder(
        FrameResolver frames,
        ThreadNames threadNames,
        InstrumentationScope scope,
        Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? frameTags = null)
    {
        _frames = frames;
        _threadNames = threadNames;
        _scope = scope;
        _frameTags = frameTags;
    }

    public (ExportProfilesServiceRequest Request, BuildStatistics Statistics) Build(
        IntervalSamples interval, ProtoResource resource, bool cpu, bool wall, EventIntervals? events = null)
    {
        var dictionary = new ProfilesDictionaryBuilder();
        var stackCache = new Dictionary<int, (int StackIndex, List<KeyValuePair<string, string>> Tags, int Frames, int Named)>();
        var cpuSamples = new Dictionary<(int Stack, string Attributes), (List<int> Attributes, long Value)>();
        var wallSamples = new Dictionary<(int Stack, string Attributes), (List<int> Attributes, long Value)>();
        long frames = 0;
        long named = 0;
        long samples = 0;

        foreach ((SampleKey key, SampleCounts counts) in interval.Samples.Rows)
        {
            if (!stackCache.TryGetValue(key.StackId, out var stack))
            {
                stack = BuildStack(dictionary, interval.Samples.Stacks.Get(key.StackId));
                stackCache[key.StackId] = stack;
            }

            frames += (long)stack.Frames * counts.Wall;
            named += (long)stack.Named * counts.Wall;
            samples += counts.Wall;

            List<int> attributes = SampleAttributes(dictionary, key.ThreadId, stack.Tags);
            string attributeKey = string.Join(',', attributes);
            if (cpu && counts.Cpu > 0)
            {
                Add(cpuSamples, (stack.StackIndex, attributeKey), attributes, counts.Cpu);
            }

            if (wall && counts.Wall > 0)
            {
                Add(wallSamples, (stack.StackIndex, attributeKey), attributes, counts.Wall);
            }
        }

        var scopeProfiles = new ScopeProfiles { Scope = _scope };
        if (cpu)
        {
            scopeProfiles.Profiles.Add(CreateProfile(dictionary, ProfileTypeDescriptor.Cpu, interval, cpuSamples));
        }

        if (wall)
        {
            scopeProfiles.Profiles.Add(CreateProfile(dictionary, ProfileTypeDescriptor.Wall, interval, wallSamples));
        }

        if (events is not null)
        {
            AddEventProfiles(dictionary, scopeProfiles, interval, events);
        }

        var resourceProfiles = new ResourceProfiles { Resource = resource };
        resourceProfiles.ScopeProfiles.Add(scopeProfiles);
        var request = new ExportProfilesServiceRequest { Dictionary = dictionary.Dictionary };
        request.ResourceProfiles.Add(resourceProfiles);
        return (request, new BuildStatistics(samples, frames, named, stackCache.Count));
    }

    private (int StackIndex, List<KeyValuePair<string, string>> Tags, int Frames, int Named) BuildStack(
        ProfilesDictionaryBuilder dictionary, ReadOnlySpan<ulong> addresses)
    {
        var locations = new List<int>(addresses.Length);
        var tags = new List<KeyValuePair<string, string>>();
        int named = 0;
        int counted = 0;
        bool leaf = true;
        foreach (ulong address in addresses)
        {
            ResolvedFrame frame = _frames.Resolve(address);
            if (leaf && frame.IsManaged && SamplingArtifacts.IsSuspensionFrame(frame.Method!))
            {
                continue;
            }

            leaf = false;
            counted++;
            if (frame.IsManaged)
            {
                named++;
                // Innermost frame first: a key already set by an inner frame wins over outer frames.
                if (_frameTags?.Invoke(frame.Method!) is { } frameTags)
                {
                    foreach (KeyValuePair<string, string> tag in frameTags)
                    {
                        if (!tags.Exists(t => t.Key == tag.Key))
                        {
                            tags.Add(tag);
                        }
                    }
                }
            }

            int mapping = dictionary.Mapping(frame.File);
            int function = dictionary.Function(frame.Name, frame.SystemName, frame.File);
            locations.Add(dictionary.Location(mapping, function));
        }

        return (dictionary.Stack(locations), tags, counted, named);
    }

    private List<int> SampleAttributes(ProfilesDictionaryBuilder dictionary, long threadId, List<KeyValuePair<string, string>> tags)
    {
        var attributes = new List<int>(2 + tags.Count) { dictionary.Attribute("thread.id", threadId) };
        if (_threadNames.Find(threadId) is { } name)
        {
            attributes.Add(dictionary.Attribute("thread.name", name));
        }

        foreach (KeyValuePair<string, string> tag in tags)
        {
            attributes.Add(dictionary.Attribute(tag.Key, tag.Value));
        }

        return attributes;
    }

    private static void Add(
        Dictionary<(int, string), (List<int> Attributes, long Value)> samples, (int, string) key, List<int> attributes, long value)
    {
        samples[key] = samples.TryGetValue(key, out var existing) ? (existing.Attributes, existing.Value + value) : (attributes, value);
    }

    private static Profile CreateProfile(
        ProfilesDictionaryBuilder dictionary,
        ProfileTypeDescriptor type,
        IntervalSamples interval,
        Dictionary<(int Stack, string Attributes), (List<int> Attributes, long Value)> samples)
    {
        var profile = new Profile
        {
            SampleType = new ValueType { TypeStrindex = dictionary.String(type.SampleType), UnitStrindex = dictionary.String(type.SampleUnit) },
            PeriodType = new ValueType { TypeStrindex = dictionary.String(type.PeriodType), UnitStrindex = dictionary.String(type.PeriodUnit) },
            Period = interval.EffectivePeriodNs,
            TimeUnixNano = (ulong)(interval.StartUtc - DateTime.UnixEpoch).Ticks * 100,
            DurationNano = (ulong)interval.DurationNs,
            ProfileId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
        };

        // How the weight was derived, for people checking the numbers: the runtime's sampling interval in force
        // (DOTNET_EventPipeThreadSamplingRate or 1 ms) and the sampler ticks the interval really saw.
        profile.AttributeIndices.Add(dictionary.Attribute(SamplingIntervalAttribute, interval.SamplingIntervalNs, "ns"));
        profile.AttributeIndices.Add(dictionary.Attribute(SamplingTicksAttribute, interval.TicksObserved, "count"));

        // What the samples cost: how long the sampler kept the app's managed threads paused in this interval.
        profile.AttributeIndices.Add(dictionary.Attribute(SamplerPausedAttribute, interval.SamplerPausedNs, "ns"));

        // ...and the CPU the profiler's own threads used to decode, aggregate and export (the budget charges both).
        profile.AttributeIndices.Add(dictionary.Attribute(ProfilerCpuAttribute, interval.ProfilerCpuNs, "ns"));

        foreach (((int stack, _), (List<int> attributes, long value)) in samples)
        {
            var sample = new Sample { StackIndex = stack };
            sample.AttributeIndices.Add(attributes);
            sample.Values.Add(value);
            profile.Samples.Add(sample);
        }

        return profile;
    }
}
