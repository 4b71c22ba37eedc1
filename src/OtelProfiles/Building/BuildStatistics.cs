namespace OtelProfiles.Building;

/// <summary>What one build saw: samples, frames, and how many frames had a managed method name.</summary>
internal sealed record BuildStatistics(long Samples, long Frames, long NamedFrames, int Stacks)
{
    /// <summary>Share of frames (weighted by samples) that resolved to a managed method, 0..1.</summary>
    public double NamedFraction => Frames == 0 ? 1 : (double)NamedFrames / Frames;
}
