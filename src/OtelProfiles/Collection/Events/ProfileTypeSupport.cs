using System.Runtime;

namespace OtelProfiles.Collection.Events;

/// <summary>
/// What this runtime can profile, decided once per start: each type that cannot work is named with the reason (for
/// the startup log), and the in-use profile says how exact it is here. The library targets .NET 10, so the runtime
/// always has randomized allocation sampling (AllocationSampled); what still varies is bitness and background GC.
/// </summary>
internal sealed record ProfileTypeSupport(
    ProfileTypes Available,
    IReadOnlyDictionary<ProfileTypes, string> Unavailable,
    bool BackgroundGC)
{
    /// <summary>The profile types the event sessions collect (the others come from the sampler).</summary>
    public const ProfileTypes EventTypes =
        ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions;

    /// <summary>This process: its bitness and whether background (concurrent) GC is on.</summary>
    public static ProfileTypeSupport Detect() =>
        For(IntPtr.Size, backgroundGC: GCSettings.LatencyMode != GCLatencyMode.Batch);

    /// <param name="pointerSize">8 in a 64-bit process.</param>
    /// <param name="backgroundGC">Whether background GCs can run (the default unless concurrent GC is disabled).</param>
    public static ProfileTypeSupport For(int pointerSize, bool backgroundGC)
    {
        var unavailable = new Dictionary<ProfileTypes, string>();
        if (pointerSize != 8)
        {
            const string Reason = "the memory profiles decode 64-bit runtime events; this is a 32-bit process";
            unavailable[ProfileTypes.Allocations] = Reason;
            unavailable[ProfileTypes.InUseMemory] = Reason;
        }

        ProfileTypes available = ProfileTypes.Cpu | ProfileTypes.Wall | EventTypes;
        foreach (ProfileTypes type in unavailable.Keys)
        {
            available &= ~type;
        }

        return new ProfileTypeSupport(available, unavailable, BackgroundGC: backgroundGC);
    }
}
