using System.Diagnostics.Metrics;
using System.Reflection;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Health;

/// <summary>
/// The profiler's health as OpenTelemetry metrics, on the Meter named <see cref="ContinuousProfiler.MeterName"/>:
/// whether it runs, the samples it took per profile type, the sampling rate it reached, the time it kept the app
/// paused, its own CPU, its internal failures, and what its exporters sent, gave up on and dropped, with the bytes sent. Every instrument is
/// observable: nothing is recorded where the app runs; the figures of <see cref="ProfilerHealth"/> are read when a
/// MeterProvider (or any MeterListener) collects. The names are listed in docs/deploy.md.
/// </summary>
internal static class ProfilerMeter
{
    private static readonly object Gate = new();
    private static readonly List<WeakReference<ContinuousProfiler>> Profilers = [];
    private static Meter? _meter;

    /// <summary>Makes sure the Meter exists and counts <paramref name="profiler"/> in <c>otelprofiles.active</c> while it is alive.</summary>
    public static void Register(ContinuousProfiler profiler)
    {
        lock (Gate)
        {
            Profilers.RemoveAll(p => !p.TryGetTarget(out _));
            Profilers.Add(new WeakReference<ContinuousProfiler>(profiler));

            // One Meter for the process, never disposed: the counters it reports only grow, whatever profilers come
            // and go, and a MeterProvider built before or after the profiler sees the same instruments.
            _meter ??= Create(ProfilerHealth.Shared);
        }
    }

    private static Meter Create(ProfilerHealth health)
    {
        var meter = new Meter(
            ContinuousProfiler.MeterName,
            typeof(ProfilerMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]);

        meter.CreateObservableUpDownCounter(
            "otelprofiles.active",
            RunningProfilers,
            unit: "{profiler}",
            description: "Profilers sampling this process now (1 while profiling runs, 0 when it is off, stopped or failed).");

        meter.CreateObservableCounter(
            "otelprofiles.samples",
            () => SampleMeasurements(health),
            unit: "{sample}",
            description: "Samples exported, by profile.type (its OTEL_PROFILES_TYPES name): stack samples for cpu and wall, events (sampled allocations in estimated objects, contentions, exceptions thrown) for the others.");

        meter.CreateObservableGauge(
            "otelprofiles.sampling.rate",
            () => health.SamplingRateHz is { } hz ? [new Measurement<double>(hz)] : Array.Empty<Measurement<double>>(),
            unit: "Hz",
            description: "Stack samples per second and thread reached in the last export interval (the target is OTEL_PROFILES_SAMPLING_FREQUENCY; the overhead budget may lower it).");

        meter.CreateObservableCounter(
            "otelprofiles.sampler.paused_time",
            () => health.Paused.TotalSeconds,
            unit: "s",
            description: "Time the sampler kept the application's managed threads paused to walk their stacks.");

        meter.CreateObservableCounter(
            "otelprofiles.cpu.time",
            () => health.ProfilerCpu.TotalSeconds,
            unit: "s",
            description: "CPU time of the profiler's own threads and, on Linux, of the runtime's EventPipe threads serving it (zero where thread CPU cannot be read).");

        meter.CreateObservableCounter(
            "otelprofiles.span_tracking.cpu.time",
            () => health.SpanTrackingCpu.TotalSeconds,
            unit: "s",
            description: "CPU time the application's threads spent keeping the profiler's view of their current span and tags (changes counted, times the cost of one measured in this process); charged to the overhead budget like the profiler's own CPU.");

        meter.CreateObservableCounter(
            "otelprofiles.gc.pause_extra.time",
            () => health.GcPauseExtra.TotalSeconds,
            unit: "s",
            description: "How much longer the application's garbage collections paused with the profiler there (its threads and sessions), estimated as a share of the pauses measured; charged to the overhead budget like the sampler's pauses.");

        meter.CreateObservableCounter(
            "otelprofiles.exports",
            () => ExportMeasurements(health),
            unit: "{request}",
            description: "Export requests by exporter (otlp, file) and outcome: sent (accepted by the receiver), failed (given up on after retries), dropped (never sent: queue full or shutdown).");

        meter.CreateObservableCounter(
            "otelprofiles.export.size",
            () => health.Exports().Select(e => new Measurement<long>(e.Value.Bytes, new KeyValuePair<string, object?>("exporter", e.Key))),
            unit: "By",
            description: "Bytes of the export requests the receiver accepted (serialized protobuf, before compression).");

        meter.CreateObservableCounter(
            "otelprofiles.errors",
            () => ProfilerFailures.Reported,
            unit: "{error}",
            description: "Failures inside the profiler: ones it went on after and ones that ended profiling (the log names each kind once).");

        return meter;
    }

    private static int RunningProfilers()
    {
        lock (Gate)
        {
            int running = 0;
            foreach (WeakReference<ContinuousProfiler> reference in Profilers)
            {
                if (reference.TryGetTarget(out ContinuousProfiler? profiler) && profiler.IsRunning)
                {
                    running++;
                }
            }

            return running;
        }
    }

    private static IEnumerable<Measurement<long>> SampleMeasurements(ProfilerHealth health)
    {
        long[] samples = health.Samples();
        for (int i = 0; i < samples.Length; i++)
        {
            yield return new Measurement<long>(samples[i], new KeyValuePair<string, object?>("profile.type", ExportedSampleCounter.TypeNames[i]));
        }
    }

    private static IEnumerable<Measurement<long>> ExportMeasurements(ProfilerHealth health)
    {
        foreach ((string exporter, ExportTotals totals) in health.Exports())
        {
            yield return Outcome(exporter, "sent", totals.Sent);
            yield return Outcome(exporter, "failed", totals.Failed);
            yield return Outcome(exporter, "dropped", totals.Dropped);
        }
    }

    private static Measurement<long> Outcome(string exporter, string outcome, long value) =>
        new(value, new KeyValuePair<string, object?>("exporter", exporter), new KeyValuePair<string, object?>("outcome", outcome));
}
