using System.Diagnostics.Tracing;
using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;

namespace OtelProfiles.ProfileSources.Memory;

/// <summary>
/// The allocation and in-use memory profiles: one runtime event session (allocation sampling, and for in-use the
/// GC's survival and movement events), read on its own thread into the <see cref="AllocationRecorder"/> and the
/// <see cref="LiveHeapTracker"/>. The session is kept while its keywords stay the same, because closing it ends
/// in-use tracking: switching allocations off while in-use stays on only unplugs the recorder.
/// </summary>
internal sealed class MemorySource : IProfileSource
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

    private readonly object _gate = new();
    private ProfileSourceContext? _context;
    private LabelTable _allocatedTypes = new();
    private RuntimeEventsSession? _session;
    private MemoryEventsSink? _sink;
    private long _keywords;
    private AllocationRecorder? _allocations;
    private LiveHeapTracker? _liveHeap;
    private ProfileTypes _active;

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

    ProfileSourceFamily IProfileSource.Family => Family;

    public void Start(ProfileSourceContext context)
    {
        lock (_gate)
        {
            _context = context;
            _allocatedTypes = new LabelTable();
            _active = ProfileTypes.None;
        }
    }

    public void Narrow(ProfileTypes types)
    {
        lock (_gate)
        {
            ApplyLocked(types & _active);
        }
    }

    public ProfileTypes Apply(ProfileTypes types)
    {
        lock (_gate)
        {
            return ApplyLocked(types);
        }
    }

    public IIntervalProfiles? TakeInterval(IntervalSamples interval)
    {
        lock (_gate)
        {
            if (_context is null || (_allocations is null && _liveHeap is null))
            {
                return null;
            }

            var profiles = new MemoryIntervalProfiles(
                _allocations?.TakeInterval(),
                _liveHeap?.Snapshot(),
                _allocatedTypes,
                _context.Support.Runtime.BackgroundGC);

            // Recorders of types switched off have handed over their last data.
            if ((_active & ProfileTypes.InUseMemory) == 0)
            {
                _liveHeap = null;
            }

            if ((_active & ProfileTypes.Allocations) == 0)
            {
                _allocations = null;
            }

            return profiles;
        }
    }

    private ProfileTypes ApplyLocked(ProfileTypes requested)
    {
        if (_context is not { } context)
        {
            return ProfileTypes.None;
        }

        ProfileTypes types = requested & context.Support.Available & MemoryTypes;
        bool allocations = (types & ProfileTypes.Allocations) != 0;
        bool inUse = (types & ProfileTypes.InUseMemory) != 0;
        long keywords = Keywords(allocations, inUse);
        if (keywords != _keywords)
        {
            // A tracker switched off stays for one last snapshot; the session's end flushed its events.
            _session?.Dispose();
            _session = null;
            _sink = null;
            _keywords = 0;
        }

        if (allocations && (_active & ProfileTypes.Allocations) == 0)
        {
            _allocations = new AllocationRecorder();
        }

        if (keywords != 0 && _session is null)
        {
            if (inUse)
            {
                _liveHeap = new LiveHeapTracker();
            }

            var sink = new MemoryEventsSink(_allocatedTypes, context.Threads, allocations ? _allocations : null, inUse ? _liveHeap : null);
            if (context.TryStartEventSession(keywords, EventLevel.Informational, inUse ? 64 : 16, "OtelProfiles.MemoryEvents", "memory events", sink) is not { } session)
            {
                _active = types & ~MemoryTypes;
                return _active;
            }

            _session = session;
            _sink = sink;
            _keywords = keywords;
        }
        else if (_sink is not null)
        {
            _sink.Allocations = allocations ? _allocations : null;
        }

        _active = types;
        return types;
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
