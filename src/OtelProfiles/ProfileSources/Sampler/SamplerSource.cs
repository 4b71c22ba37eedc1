using OtelProfiles.Aggregation;
using OtelProfiles.Building;
using OtelProfiles.Collection;

namespace OtelProfiles.ProfileSources.Sampler;

/// <summary>
/// The CPU and wall-clock profiles: both come from the duty-cycled sampler of the run's
/// <see cref="ProfilingSession"/>, which runs while either is on (one sample of a thread counts as wall time; the CPU
/// time each thread really used in the interval is spread over its samples, see <see cref="ThreadCpuLedger"/>).
/// Switching between the two only changes what is built, and whether thread CPU times are read.
/// </summary>
internal sealed class SamplerSource : IProfileSource
{
    /// <summary>
    /// CPU: nanoseconds of CPU time each thread used (the kernel's count), spread over its samples. The values are
    /// nanoseconds, not sample counts: Grafana Pyroscope's OTLP ingestion multiplies values by the period only for
    /// <c>samples</c>/<c>count</c> and takes any other sample type as is, naming the profile after the period type.
    /// </summary>
    public static readonly ProfileTypeDescriptor Cpu = new("cpu", "nanoseconds", "cpu", "nanoseconds");

    /// <summary>
    /// CPU with <see cref="ProfileCpuSampleType.Samples"/>: the same nanoseconds as counts of a 1 ns period, the one
    /// combination Pyroscope's OTLP ingestion stores as <c>process_cpu</c> (it multiplies each value by the period).
    /// </summary>
    public static readonly ProfileTypeDescriptor CpuAsSamples = new("samples", "count", "cpu", "nanoseconds", FixedPeriod: 1);

    /// <summary>Wall clock: every sample, running or waiting; count × period ≈ thread time.</summary>
    public static readonly ProfileTypeDescriptor Wall = new("samples", "count", "wall", "nanoseconds");

    private const ProfileTypes SamplerTypes = ProfileTypes.Cpu | ProfileTypes.Wall;

    private readonly object _gate = new();
    private ProfilingSession? _session;
    private SamplingRateReport? _rateReport;
    private ProfileTypes _active;
    private ProfileTypeDescriptor _cpu = Cpu;

    /// <summary>The sampler family: available wherever the profiler runs.</summary>
    public static ProfileSourceFamily Family { get; } = new(
        "sampler",
        [
            // The CPU profile's values are nanoseconds (in either labelling), not samples: its samples are those of
            // the interval's rows taken while a thread ran managed code.
            new(ProfileTypes.Cpu, "cpu", SampleCounting.IntervalRows(row => row.Cpu, Cpu, CpuAsSamples)),
            new(ProfileTypes.Wall, "wall", SampleCounting.Values(Wall)),
        ],
        ProfileSourceFamily.AlwaysAvailable,
        ProfileSourceFamily.NoNote,
        () => new SamplerSource());

    ProfileSourceFamily IProfileSource.Family => Family;

    public void Start(ProfileSourceContext context)
    {
        lock (_gate)
        {
            _session = context.Session;
            _active = ProfileTypes.None;
            _cpu = context.Options.CpuSampleType == ProfileCpuSampleType.Samples ? CpuAsSamples : Cpu;

            // One per profiler, not per run: the line it writes is written once.
            _rateReport ??= new SamplingRateReport(
                context.Logger, context.Options.SamplingFrequencyHz, context.Options.SamplingOverheadPercent);
        }
    }

    public void Narrow(ProfileTypes types)
    {
        // CPU and wall share the sampler: it stops only when neither is wanted any more.
        if ((types & SamplerTypes) == 0)
        {
            _session?.SetSampling(false);
        }
    }

    public ProfileTypes Apply(ProfileTypes types)
    {
        lock (_gate)
        {
            ProfileTypes wanted = types & SamplerTypes;
            if (_session is not null)
            {
                // Thread CPU times are read only for the CPU profile.
                _session.Recorder.MeasureThreadCpu = (wanted & ProfileTypes.Cpu) != 0;
            }

            _session?.SetSampling(wanted != 0);
            _active = wanted;
            return wanted;
        }
    }

    public IIntervalProfiles? TakeInterval(IntervalSamples interval)
    {
        ProfileTypes active;
        ProfileTypeDescriptor cpu;
        lock (_gate)
        {
            active = _active;
            cpu = _cpu;
            if (_session?.IsSampling == true)
            {
                _rateReport?.Observe(interval);
            }
            else
            {
                // Without samples the budget still limits span tracking (DutyCycledSampler keeps its accounts).
                _rateReport?.ReportSpanLinksStop();
            }
        }

        // A CPU or wall profile without samples (the sampler just switched on) has no period to report.
        return interval.Samples.SampleCount > 0
            ? new SampledIntervalProfiles(interval, (active & ProfileTypes.Cpu) != 0 ? cpu : null, Wall: (active & ProfileTypes.Wall) != 0)
            : null;
    }
}
