using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Analysis;

/// <summary>
/// How much of a profile passes through code the profiler could not name: a frame shown only as the file it lies in
/// (<c>[System.Net.Sockets.dll]</c>) or as <c>[unknown]</c>. Named stubs (<c>[stub] …</c>) and the truncation marker
/// are names, not gaps. Native libraries (<c>[libcoreclr.so]</c>) are left out: managed sampling cannot name native
/// code, so they are not a gap the profiler could close.
/// </summary>
internal static class UnnamedFrames
{
    /// <summary>The share (0–1) of the samples' total value whose stack holds at least one unnamed frame.</summary>
    public static double ShareOfSamples(IEnumerable<DecodedProfile> profiles)
    {
        long all = 0;
        long unnamed = 0;
        foreach (DecodedSample sample in profiles.SelectMany(p => p.Samples))
        {
            all += sample.Value;
            if (sample.Frames.Any(f => IsUnnamed(f.Name)))
            {
                unnamed += sample.Value;
            }
        }

        return all == 0 ? 0 : (double)unnamed / all;
    }

    /// <summary>A file placeholder of managed code (<c>[X.dll]</c>) or <c>[unknown]</c>.</summary>
    public static bool IsUnnamed(string name) =>
        name == "[unknown]"
        || (name.Length > 6 && name[0] == '[' && name[^1] == ']' && name.EndsWith(".dll]", StringComparison.OrdinalIgnoreCase) && !name.Contains(' ', StringComparison.Ordinal));
}
