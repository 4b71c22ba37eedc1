using System.Runtime;

namespace OtelProfiles.ProfileSources;

/// <summary>What the families decide availability from: the runtime version, bitness and GC mode of a process.</summary>
/// <param name="Version">The runtime version (<see cref="Environment.Version"/>).</param>
/// <param name="PointerSize">8 in a 64-bit process.</param>
/// <param name="BackgroundGC">Whether background GCs can run (the default unless concurrent GC is disabled).</param>
internal sealed record RuntimeTraits(Version Version, int PointerSize, bool BackgroundGC)
{
    /// <summary>This process.</summary>
    public static RuntimeTraits Current() =>
        new(Environment.Version, IntPtr.Size, BackgroundGC: GCSettings.LatencyMode != GCLatencyMode.Batch);
}
