using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OtelProfiles.Collection;
using OtelProfiles.Otlp;
using OtelProfiles.Tests.Integration;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Health;

/// <summary>
/// The profiler's health as OpenTelemetry metrics (issue 21), read through a real MeterProvider with OpenTelemetry's
/// in-memory exporter while a real profiling session samples this process and exports to a real receiver. The
/// figures are process-wide, so other tests running meanwhile can only add to them: the checks are lower bounds.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ProfilerHealthMetricsTests
{
    [Fact]
    public async Task The_app_metrics_pipeline_picks_up_the_profiler_health_without_AddMeter()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();

        // The first export is refused for good (400 is not retried), the next ones are accepted.
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(400, textBody: "bad request"), ReceiverReply.Ok);
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-health-" + Guid.NewGuid().ToString("N"));
        var exported = new List<MetricSnapshot>();
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddInMemoryExporter(exported))
                .AddOtlpProfiles(o =>
                {
                    o.Protocol = OtlpProfilesProtocol.HttpProtobuf;
                    o.Endpoint = receiver.HttpEndpoint;
                    o.Exporters = ProfileExporters.Otlp | ProfileExporters.File;
                    o.FileDirectory = directory;
                    o.ExportInterval = TimeSpan.FromHours(1);
                    o.SamplingFrequencyHz = 1000;
                    o.SamplingOverheadPercent = 100;
                });
            using IHost host = builder.Build();
            await host.StartAsync();
            var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
            Assert.True(SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)), "the profiler did not start");

            // Two exports reach the receiver (the refused one and an accepted one); an interval in which a loaded
            // machine gave the sampler no window sends nothing, so the test works until two have been sent.
            for (int round = 0; round < 10 && receiver.Requests.Count < 2; round++)
            {
                KnownWork.Burn(TimeSpan.FromSeconds(1.5));
                profiler.ForceFlush(30_000);
            }

            Assert.True(receiver.Requests.Count >= 2, "two intervals were not exported");

            var meterProvider = host.Services.GetRequiredService<MeterProvider>();
            Assert.True(meterProvider.ForceFlush(30_000));
            var metrics = Latest(exported);

            Assert.True(Sum(metrics, "otelprofiles.active") >= 1, "otelprofiles.active should count the running profiler");
            // At least the samples of the profiles written to files (every request goes to the file exporter).
            var written = Directory.GetFiles(directory, "*.pb")
                .SelectMany(f => OtlpDecoder.Decode(OpenTelemetry.Proto.Collector.Profiles.V1Development.ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f))))
                .ToList();
            long cpuNsWritten = written.Where(p => p.SampleType == "cpu/nanoseconds").Sum(p => p.Samples.Sum(x => x.Value));
            long wallWritten = written.Where(p => p.SampleType == "samples/count" && p.PeriodType == "wall/nanoseconds").Sum(p => p.Samples.Sum(x => x.Value));
            Assert.True(cpuNsWritten > 0 && wallWritten > 0, "the file export holds no CPU or wall samples");
            long cpuSamples = Sum(metrics, "otelprofiles.samples", ("profile.type", "cpu"));
            long wallSamples = Sum(metrics, "otelprofiles.samples", ("profile.type", "wall"));
            Assert.True(wallSamples >= wallWritten, "fewer wall-clock samples counted than exported");
            // CPU samples are the wall samples taken while a thread ran managed code: some, and never more.
            Assert.True(cpuSamples > 0 && cpuSamples <= wallSamples, $"CPU samples {cpuSamples}, wall samples {wallSamples}");
            Assert.True(Gauge(metrics, "otelprofiles.sampling.rate") > 0, "no sampling rate reported");
            Assert.True(DoubleSum(metrics, "otelprofiles.sampler.paused_time") > 0, "no pause time counted");
            if (ProfilerCpuMeter.Supported)
            {
                Assert.True(DoubleSum(metrics, "otelprofiles.cpu.time") > 0, "no profiler CPU counted");
            }

            Assert.True(Sum(metrics, "otelprofiles.exports", ("exporter", "otlp"), ("outcome", "failed")) >= 1, "the refused export is not counted as failed");
            Assert.True(Sum(metrics, "otelprofiles.exports", ("exporter", "otlp"), ("outcome", "sent")) >= 1, "the accepted export is not counted as sent");
            Assert.True(Sum(metrics, "otelprofiles.exports", ("exporter", "file"), ("outcome", "sent")) >= 2, "the file exports are not counted");
            Assert.Contains(metrics["otelprofiles.exports"].MetricPoints, p => Tag(p, "outcome") == "dropped");

            // Bytes: at least the serialized size of what the receiver accepted.
            long accepted = receiver.Requests.Where(r => r.Reply.HttpStatusCode == 200 && r.Request is not null).Sum(r => (long)r.Request!.CalculateSize());
            Assert.True(accepted > 0);
            Assert.True(Sum(metrics, "otelprofiles.export.size", ("exporter", "otlp")) >= accepted, "exported bytes below what the receiver accepted");

            await host.StopAsync();
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void AddOtlpProfiles_does_not_turn_metrics_on_by_itself()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenTelemetry().AddOtlpProfiles(o => o.Enabled = false);
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void A_MeterProvider_built_by_hand_reads_the_meter_by_its_documented_name()
    {
        Assert.Equal("OtelProfiles", ContinuousProfiler.MeterName);
        var exported = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ContinuousProfiler.MeterName)
            .AddInMemoryExporter(exported)
            .Build()!;

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenTelemetry().AddOtlpProfiles(o => o.Enabled = false);
        using ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ContinuousProfiler>();

        Assert.True(meterProvider.ForceFlush(10_000));
        var names = Latest(exported).Keys;
        Assert.Contains("otelprofiles.active", names);
        Assert.Contains("otelprofiles.samples", names);
        Assert.Contains("otelprofiles.sampler.paused_time", names);
        Assert.Contains("otelprofiles.cpu.time", names);
        Assert.Contains("otelprofiles.span_tracking.cpu.time", names);
        Assert.Contains("otelprofiles.gc.pause_extra.time", names);
    }

    [Fact]
    public void Every_failure_the_profiler_reports_counts_in_otelprofiles_errors()
    {
        var exported = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ContinuousProfiler.MeterName)
            .AddInMemoryExporter(exported)
            .Build()!;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenTelemetry().AddOtlpProfiles(o => o.Enabled = false);
        using ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ContinuousProfiler>();

        Assert.True(meterProvider.ForceFlush(10_000));
        long before = Sum(Latest(exported), "otelprofiles.errors");

        // The same kind twice: logged once, counted twice.
        var failures = new OtelProfiles.Diagnostics.ProfilerFailures(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        failures.Report("testing the errors metric", new InvalidOperationException("first"));
        failures.Report("testing the errors metric", new InvalidOperationException("second"));

        exported.Clear();
        Assert.True(meterProvider.ForceFlush(10_000));
        Assert.True(Sum(Latest(exported), "otelprofiles.errors") >= before + 2, "the two failures were not counted");
    }

    private static Dictionary<string, MetricSnapshot> Latest(List<MetricSnapshot> exported)
    {
        var latest = new Dictionary<string, MetricSnapshot>(StringComparer.Ordinal);
        foreach (MetricSnapshot snapshot in exported)
        {
            latest[snapshot.Name] = snapshot;
        }

        return latest;
    }

    private static long Sum(Dictionary<string, MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags)
    {
        Assert.True(metrics.ContainsKey(name), $"{name} was not exported");
        return metrics[name].MetricPoints.Where(p => Matches(p, tags)).Sum(p => p.GetSumLong());
    }

    private static double DoubleSum(Dictionary<string, MetricSnapshot> metrics, string name)
    {
        Assert.True(metrics.ContainsKey(name), $"{name} was not exported");
        return metrics[name].MetricPoints.Sum(p => p.GetSumDouble());
    }

    private static double Gauge(Dictionary<string, MetricSnapshot> metrics, string name)
    {
        Assert.True(metrics.ContainsKey(name), $"{name} was not exported");
        return metrics[name].MetricPoints.Max(p => p.GetGaugeLastValueDouble());
    }

    private static bool Matches(MetricPoint point, (string Key, string Value)[] tags) =>
        tags.All(t => Tag(point, t.Key) == t.Value);

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
