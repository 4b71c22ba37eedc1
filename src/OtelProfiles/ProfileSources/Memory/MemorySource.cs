using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.ProfileSources.Memory;

/// <summary>
/// The allocation and in-use memory profiles: the run's shared runtime events session (allocation sampling, and
/// for in-use the GC's survival and movement events) read into the <see cref="AllocationRecorder"/> and the
/// <see cref="LiveHeapTracker"/>. The session is kept while the keywords of all its subscribers stay the same,
/// because reopening it restarts in-use tracking: switching allocations off while in-use stays on only unplugs the
/// recorder; switching the lock or exception profiles while in-use is on restarts in-use tracking.
/// </summary>
internal sealed class MemorySource : EventProfileSource
{
    /// <summary>Estimated objects allocated; the period is the mean bytes between two allocation samples.</summary>
    public static readonly ProfileTypeDescriptor AllocatedObjects = new("alloc_objects", "count", "memory", "bytes");

    /// <summary>Estimated bytes allocated.</summary>
    public static readonly ProfileTypeDescriptor AllocatedBytes = new("alloc_space", "bytes", "memory", "bytes");

    /// <summary>Estimated objects alive at the end of the interval.</summary>
    public static readonly ProfileTypeDescriptor InUseObjects = new("inuse_objects", "count", "memory", "bytes");

    /// <summary>Estimated bytes alive at the end of the interval.</summary>
    public static readonly ProfileTypeDescriptor InUseBytes = new("inuse_space", "bytes", "memory", "bytes");

    private const ProfileTypes MemoryTypes = ProfileTypes.Allocations | ProfileTypes.InUseMemory;

    private LabelTable _allocatedTypes = new();
    private MemoryEventsSink? _sink;
    private AllocationRecorder? _allocations;
    private LiveHeapTracker? _liveHeap;
    private LiveHeapTracker? _endedLiveHeap;

    /// <summary>The memory family: 64-bit processes (the library runs on .NET 10, whose randomized allocation sampling both profiles use).</summary>
    public static ProfileSourceFamily Family { get; } = new(
        "memory",
        [
            new(ProfileTypes.Allocations, "alloc", SampleCounting.Values(AllocatedObjects)),

            // A snapshot of the live heap, not samples taken.
            new(ProfileTypes.InUseMemory, "inuse", Samples: null),
        ],
        Unavailable,
        Note,
        () => new MemorySource());

    protected override ProfileSourceFamily SourceFamily => Family;

    protected override string What => "memory events";

    protected override long KeywordsFor(ProfileTypes types) =>
        Keywords((types & ProfileTypes.Allocations) != 0, (types & ProfileTypes.InUseMemory) != 0);

    protected override int BufferMBFor(ProfileTypes types) => (types & ProfileTypes.InUseMemory) != 0 ? 64 : 16;

    protected override void OnRunStart() => _allocatedTypes = new LabelTable();

    protected override void SwitchOn(ProfileTypes switchedOn)
    {
        // The live heap tracker follows one stream: it is created with the sink of the session it reads.
        if ((switchedOn & ProfileTypes.Allocations) != 0)
        {
            _allocations = new AllocationRecorder();
        }
    }

    protected override void HandOver(ProfileTypes off)
    {
        if ((off & ProfileTypes.InUseMemory) != 0)
        {
            _liveHeap = null;
        }

        if ((off & ProfileTypes.Allocations) != 0)
        {
            _allocations = null;
        }
    }

    protected override bool HasRecorders => _allocations is not null || _liveHeap is not null;

    protected override INetTraceEventSink CreateSink(ProfileSourceContext context, ProfileTypes types, bool narrowing)
    {
        bool inUse = (types & ProfileTypes.InUseMemory) != 0;
        if (inUse)
        {
            // A new stream: the GCs between the old session's end and this one's start are not seen, so in-use
            // tracking starts again. When a switch narrows the session, the tracker that followed the interval
            // from its start still gives the snapshot of the interval that ends next.
            _endedLiveHeap = narrowing ? _endedLiveHeap ?? _liveHeap : null;
            _liveHeap = new LiveHeapTracker();
        }

        _sink = new MemoryEventsSink(_allocatedTypes, context.Threads, (types & ProfileTypes.Allocations) != 0 ? _allocations : null, inUse ? _liveHeap : null);
        return _sink;
    }

    protected override void OnApplied(ProfileTypes types)
    {
        // Switching allocations while in-use stays on keeps the session (reopening it would restart in-use tracking).
        if (_sink is not null)
        {
            _sink.Allocations = (types & ProfileTypes.Allocations) != 0 ? _allocations : null;
        }
    }

    protected override IIntervalProfiles TakeIntervalLocked(ProfileSourceContext context)
    {
        var profiles = new MemoryIntervalProfiles(
            _allocations?.TakeInterval(),
            (_endedLiveHeap ?? _liveHeap)?.Snapshot(),
            _allocatedTypes,
            context.Support.Runtime.BackgroundGC);
        _endedLiveHeap = null;
        return profiles;
    }

    private static long Keywords(bool allocations, bool inUse)
    {
        long keywords = allocations || inUse ? ProfileEvents.AllocationSamplingKeyword : 0;
        return inUse ? keywords | ProfileEvents.GCKeyword | ProfileEvents.GCHeapSurvivalAndMovementKeyword : keywords;
    }

    private static Dictionary<ProfileTypes, string> Unavailable(RuntimeTraits runtime)
    {
        var unavailable = new Dictionary<ProfileTypes, string>();
        if (runtime.PointerSize != 8)
        {
            const string Reason = "the memory profiles decode 64-bit runtime events; this is a 32-bit process";
            unavailable[ProfileTypes.Allocations] = Reason;
            unavailable[ProfileTypes.InUseMemory] = Reason;
        }

        return unavailable;
    }

    private static string? Note(ProfileTypes type, RuntimeTraits runtime) => type switch
    {
        ProfileTypes.InUseMemory when runtime.BackgroundGC =>
            "follows sampled objects through the GC's survival and move events; background GC is on, and a background "
            + "GC reports its survivors only once, at its end, so a small share of entries can follow memory the GC "
            + "reused; set DOTNET_gcConcurrent=0 for exact in-use tracking",
        _ => null,
    };
}
