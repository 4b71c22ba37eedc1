using OtelProfiles.Aggregation;
using OtelProfiles.Building;

namespace OtelProfiles.ProfileSources.Sampler;

/// <summary>The sampler's interval: its samples, as the CPU and wall profiles that were on.</summary>
/// <param name="Interval">The interval's samples.</param>
/// <param name="Cpu">How the CPU profile is labelled, or null when it is not built.</param>
/// <param name="Wall">Whether the wall-clock profile is built.</param>
internal sealed record SampledIntervalProfiles(IntervalSamples Interval, ProfileTypeDescriptor? Cpu, bool Wall) : IIntervalProfiles
{
    private static readonly SampledProfile WallProfile = new(SamplerSource.Wall, counts => counts.Wall);

    public bool HasData => Interval.Samples.SampleCount > 0;

    // The sampler names the threads it sees itself, after every window.
    public IEnumerable<long> ThreadIds => [];

    public void AddTo(IntervalRequest request)
    {
        var profiles = new List<SampledProfile>(2);
        if (Cpu is not null)
        {
            // A table the recorder ended has each row's CPU time from its thread's; one made elsewhere (tests,
            // benchmarks) is weighted the way a thread without a CPU reading is: managed samples × the period.
            long periodNs = Interval.EffectivePeriodNs;
            profiles.Add(Interval.Samples.CpuCharged
                ? new SampledProfile(Cpu, counts => counts.CpuNs, MovesCpuOffWaits: true)
                : new SampledProfile(Cpu, counts => counts.Cpu * periodNs, MovesCpuOffWaits: true));
        }

        if (Wall)
        {
            profiles.Add(WallProfile);
        }

        request.AddSampledProfiles(profiles);
    }
}
