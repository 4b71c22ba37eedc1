using System.Runtime;

namespace OtelProfiles.Collection.Events;

/// <summary>
/// What this runtime can profile, decided once per start: each type that cannot work is named with the reason (for
/// the startup log), and the allocation and in-use profiles say how they are estimated here.
/// </summary>
internal sealed record ProfileTypeSupport(
    ProfileTypes Available,
    IReadOnlyDictionary<ProfileTypes, string> Unavailable,
    AllocationSource AllocationSource,
    bool BackgroundGC)
{
    /// <summary>The profile types the event sessions collect (the others come from the sampler).</summary>
    public const ProfileTypes EventTypes =
        ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions;

    /// <summary>This process: its runtime version, bitness and whether background (concurrent) GC is on.</summary>
    public static ProfileTypeSupport Detect() =>
        For(Environment.Version, IntPtr.Size, backgroundGC: GCSettings.LatencyMode != GCLatencyMode.Batch);

    /// <param name="runtime">The runtime version (<see cref="Environment.Version"/>).</param>
    /// <param name="pointerSize">8 in a 64-bit process.</param>
    /// <param name="backgroundGC">Whether background GCs can run (the default unless concurrent GC is disabled).</param>
    public static ProfileTypeSupport For(Version runtime, int pointerSize, bool backgroundGC)
    {
        var unavailable = new Dictionary<ProfileTypes, string>();
        if (pointerSize != 8)
        {
            const string Reason = "the memory profiles decode 64-bit runtime events; this is a 32-bit process";
            unavailable[ProfileTypes.Allocations] = Reason;
            unavailable[ProfileTypes.InUseMemory] = Reason;
        }
        else if (runtime.Major < 10)
        {
            unavailable[ProfileTypes.InUseMemory] =
                $"it needs .NET 10's randomized allocation sampling (this is .NET {runtime.Major}); the allocation tick of "
                + "earlier runtimes is not a random sample, so no unbiased estimate of live memory can be built from it";
        }

        ProfileTypes available = ProfileTypes.Cpu | ProfileTypes.Wall | EventTypes;
        foreach (ProfileTypes type in unavailable.Keys)
        {
            available &= ~type;
        }

        return new ProfileTypeSupport(
            available,
            unavailable,
            runtime.Major >= 10 ? AllocationSource.Sampled : AllocationSource.Tick,
            BackgroundGC: backgroundGC);
    }
}
