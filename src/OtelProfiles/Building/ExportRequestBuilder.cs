using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Aggregation;
using OtelProfiles.Symbols;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Building;

/// <summary>
/// Turns one finished interval into one <see cref="ExportProfilesServiceRequest"/>: a shared dictionary, and the
/// profiles each source adds in turn through the <see cref="IntervalRequest"/> writers (sampled profiles in the
/// other part of this class named Samples, event-based ones in the part named Events). Frames are resolved to names
/// and the <c>[ProfileTag]</c> tags of the frames a sample passes through are applied here.
/// </summary>
internal sealed partial class ExportRequestBuilder
{
    private readonly FrameResolver _frames;
    private readonly Func<long, string?> _threadName;
    private readonly Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? _frameTags;
    private readonly InstrumentationScope _scope;

    /// <param name="frames">Resolves addresses to methods or files.</param>
    /// <param name="threadName">The name of an OS thread, or null (samples carry it as <c>thread.name</c>).</param>
    /// <param name="scope">The instrumentation scope of every profile.</param>
    /// <param name="frameTags">The <c>[ProfileTag]</c> tags of a method, or null when it has none.</param>
    public ExportRequestBuilder(
        FrameResolver frames,
        Func<long, string?> threadName,
        InstrumentationScope scope,
        Func<MethodSymbol, IReadOnlyList<KeyValuePair<string, string>>?>? frameTags = null)
    {
        _frames = frames;
        _threadName = threadName;
        _scope = scope;
        _frameTags = frameTags;
    }

    /// <summary>The request of <paramref name="interval"/>: the profiles of <paramref name="parts"/>, in their order.</summary>
    public (ExportProfilesServiceRequest Request, BuildStatistics Statistics) Build(
        IntervalSamples interval, ProtoResource resource, IEnumerable<IIntervalProfiles> parts)
    {
        var request = new IntervalRequest(this, interval, new ScopeProfiles { Scope = _scope });
        foreach (IIntervalProfiles part in parts)
        {
            part.AddTo(request);
        }

        var resourceProfiles = new ResourceProfiles { Resource = resource };
        resourceProfiles.ScopeProfiles.Add(request.Scope);
        var export = new ExportProfilesServiceRequest { Dictionary = request.Dictionary.Dictionary };
        export.ResourceProfiles.Add(resourceProfiles);
        return (export, request.Statistics);
    }

    private BuiltStack BuildStack(ProfilesDictionaryBuilder dictionary, ReadOnlySpan<ulong> addresses)
    {
        var locations = new List<int>(addresses.Length);
        var tags = new List<KeyValuePair<string, string>>();
        int named = 0;
        int counted = 0;
        bool leaf = true;
        bool waitLeaf = false;
        var waitingForWork = default(ThreadPoolWaitFrames.Scan);
        foreach (ulong address in addresses)
        {
            ResolvedFrame frame = _frames.Resolve(address);
            if (leaf && frame.IsManaged && SamplingArtifacts.IsSuspensionFrame(frame.Method!))
            {
                continue;
            }

            if (leaf)
            {
                waitLeaf = frame.IsManaged && BlockingWaitNames.Contains(frame.Method!.DisplayName);
            }

            leaf = false;
            counted++;
            if (frame.IsManaged)
            {
                named++;
                waitingForWork.Add(frame.Method!.DisplayName);
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

        return new BuiltStack(dictionary.Stack(locations), tags, counted, named, waitLeaf || waitingForWork.Result == true);
    }

    /// <summary>A stack added to the dictionary: its index, the tags its frames carry, its frames and named frames,
    /// and whether it caught its thread waiting: its innermost frame is a blocking wait (<see cref="BlockingWaitNames"/>)
    /// or it is a thread-pool worker waiting for work (<see cref="ThreadPoolWaitFrames"/>).</summary>
    private readonly record struct BuiltStack(int StackIndex, List<KeyValuePair<string, string>> Tags, int Frames, int Named, bool AtWait);

    private List<int> SampleAttributes(ProfilesDictionaryBuilder dictionary, long threadId, List<KeyValuePair<string, string>> tags)
    {
        var attributes = new List<int>(2 + tags.Count) { dictionary.Attribute("thread.id", threadId) };
        if (_threadName(threadId) is { } name)
        {
            attributes.Add(dictionary.Attribute("thread.name", name));
        }

        foreach (KeyValuePair<string, string> tag in tags)
        {
            attributes.Add(dictionary.Attribute(tag.Key, tag.Value));
        }

        return attributes;
    }
}
