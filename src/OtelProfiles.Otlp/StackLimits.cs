namespace OtelProfiles.Otlp;

/// <summary>
/// Bounds on how far a request's stacks may expand. A stack is a list of location indices and a location may hold
/// many inlined lines, so a few bytes on the wire can stand for millions of frames; every view pays for the expanded
/// form, so it is bounded where the request comes in.
/// </summary>
internal static class StackLimits
{
    /// <summary>
    /// Frames kept per stack. Deeper stacks keep their innermost (leaf-most) frames, where the samples' own time is,
    /// under a root marker frame that says how many were dropped.
    /// </summary>
    public const int MaxStackFrames = 1024;

    /// <summary>
    /// Frames (after the per-stack truncation) that the distinct stacks of one request may expand to. At 8 bytes per
    /// frame reference this bounds a decoded request's stacks to 32 MiB; real exports hold well under a million.
    /// </summary>
    public const long MaxExpandedFramesPerRequest = 4_000_000;

    /// <summary>The name of the marker frame that replaces <paramref name="dropped"/> outer frames.</summary>
    public static string TruncationMarker(long dropped) => $"[truncated {dropped} frames]";
}
