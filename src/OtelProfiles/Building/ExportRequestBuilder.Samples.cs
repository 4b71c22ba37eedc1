using Google.Protobuf;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using ValueType = OpenTelemetry.Proto.Profiles.V1Development.ValueType;

namespace OtelProfiles.Building;

/// <summary>The sampled profiles: one profile per count of the interval's sample table (the sampler's CPU and wall).</summary>
internal sealed partial class ExportRequestBuilder
{
    public const string SamplingIntervalAttribute = "dotnet.sampling.interval";
    public const string SamplingTicksAttribute = "dotnet.sampling.ticks";
    public const string SamplerPausedAttribute = "dotnet.sampling.paused";
    public const string ProfilerCpuAttribute = "dotnet.profiler.cpu";
    public const string SpanTrackingCpuAttribute = "dotnet.profiler.span_tracking.cpu";
    public const string GcPauseExtraAttribute = "dotnet.profiler.gc.pause_extra";

    internal BuildStatistics AddSampledProfiles(IntervalRequest request, IReadOnlyList<SampledProfile> profiles)
    {
        IntervalSamples interval = request.Interval;
        ProfilesDictionaryBuilder dictionary = request.Dictionary;
        var stackCache = new Dictionary<int, BuiltStack>();
        foreach ((SampleKey key, _) in interval.Samples.Rows)
        {
            if (!stackCache.ContainsKey(key.StackId))
            {
                stackCache[key.StackId] = BuildStack(dictionary, interval.Samples.Stacks.Get(key.StackId));
            }
        }

        WaitShares?[] waits = profiles.Select(p => p.MovesCpuOffWaits ? WaitShares.Of(interval.Samples, stackCache, p.Value) : null).ToArray();
        var samples = new Dictionary<(int Stack, string Attributes, int Link), (List<int> Attributes, long Value)>[profiles.Count];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = new Dictionary<(int Stack, string Attributes, int Link), (List<int> Attributes, long Value)>();
        }

        long frames = 0;
        long named = 0;
        long sampleCount = 0;
        foreach ((SampleKey key, SampleCounts counts) in interval.Samples.Rows)
        {
            BuiltStack stack = stackCache[key.StackId];
            frames += (long)stack.Frames * counts.Wall;
            named += (long)stack.Named * counts.Wall;
            sampleCount += counts.Wall;

            List<int> attributes = SampleAttributes(dictionary, key.ThreadId, stack.Tags);
            int link = AddContext(dictionary, attributes, interval.Samples.Contexts.Get(key.ContextId), stack.Tags);
            string attributeKey = string.Join(',', attributes);
            for (int i = 0; i < profiles.Count; i++)
            {
                long value = profiles[i].Value(counts);
                if (waits[i] is { } shares)
                {
                    value = shares.Adjust(key.ThreadId, stack.AtWait, value);
                }

                if (value > 0)
                {
                    Add(samples[i], (stack.StackIndex, attributeKey, link), attributes, value);
                }
            }
        }

        for (int i = 0; i < profiles.Count; i++)
        {
            request.Scope.Profiles.Add(CreateProfile(dictionary, profiles[i].Type, interval, samples[i]));
        }

        return new BuildStatistics(sampleCount, frames, named, stackCache.Count);
    }

    private static void Add(
        Dictionary<(int, string, int), (List<int> Attributes, long Value)> samples, (int, string, int) key, List<int> attributes, long value)
    {
        samples[key] = samples.TryGetValue(key, out var existing) ? (existing.Attributes, existing.Value + value) : (attributes, value);
    }

    private static Profile CreateProfile(
        ProfilesDictionaryBuilder dictionary,
        ProfileTypeDescriptor type,
        IntervalSamples interval,
        Dictionary<(int Stack, string Attributes, int Link), (List<int> Attributes, long Value)> samples)
    {
        var profile = new Profile
        {
            SampleType = new ValueType { TypeStrindex = dictionary.String(type.SampleType), UnitStrindex = dictionary.String(type.SampleUnit) },
            PeriodType = new ValueType { TypeStrindex = dictionary.String(type.PeriodType), UnitStrindex = dictionary.String(type.PeriodUnit) },
            Period = type.FixedPeriod > 0 ? type.FixedPeriod : interval.EffectivePeriodNs,
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

        // ...and, estimated, what the app's own threads spent keeping the profiler's view of their current span and tags.
        profile.AttributeIndices.Add(dictionary.Attribute(SpanTrackingCpuAttribute, interval.SpanTrackingCpuNs, "ns"));

        // ...and, estimated, how much longer the app's own garbage collections paused with the profiler there.
        profile.AttributeIndices.Add(dictionary.Attribute(GcPauseExtraAttribute, interval.Gc.EstimatedNs, "ns"));

        foreach (((int stack, _, int link), (List<int> attributes, long value)) in samples)
        {
            var sample = new Sample { StackIndex = stack, LinkIndex = link };
            sample.AttributeIndices.Add(attributes);
            sample.Values.Add(value);
            profile.Samples.Add(sample);
        }

        return profile;
    }

    /// <summary>
    /// Per thread, the CPU its samples at waits (blocking waits, <see cref="Symbols.BlockingWaitNames"/>, and a worker's
    /// wait for work, <see cref="Symbols.ThreadPoolWaitFrames"/>) would take and the CPU of its other samples. A thread with both gets all of its CPU on its other samples, in proportion to theirs: its total
    /// stays the kernel's count, and a wait that a tick caught as the thread woke no longer takes a share of it. A
    /// thread found only at waits keeps its CPU there.
    /// </summary>
    private sealed class WaitShares
    {
        private readonly Dictionary<long, (long AtWaits, long Elsewhere)> _threads = new();

        public static WaitShares Of(SampleTable table, Dictionary<int, BuiltStack> stacks, Func<SampleCounts, long> value)
        {
            var shares = new WaitShares();
            foreach ((SampleKey key, SampleCounts counts) in table.Rows)
            {
                long v = value(counts);
                if (v <= 0)
                {
                    continue;
                }

                shares._threads.TryGetValue(key.ThreadId, out var thread);
                shares._threads[key.ThreadId] = stacks[key.StackId].AtWait
                    ? (thread.AtWaits + v, thread.Elsewhere)
                    : (thread.AtWaits, thread.Elsewhere + v);
            }

            return shares;
        }

        public long Adjust(long threadId, bool atWait, long value)
        {
            if (!_threads.TryGetValue(threadId, out var thread) || thread.AtWaits == 0 || thread.Elsewhere == 0)
            {
                return value;
            }

            return atWait ? 0 : (long)Math.Round(value * ((double)(thread.AtWaits + thread.Elsewhere) / thread.Elsewhere));
        }
    }
}
