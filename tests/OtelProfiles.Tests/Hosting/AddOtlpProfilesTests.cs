using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Resources;
using OtelProfiles.Otlp;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Hosting;

public sealed class AddOtlpProfilesTests
{
    [Fact]
    public void Calling_it_twice_registers_one_profiler_and_applies_both_delegates()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenTelemetry()
            .AddOtlpProfiles(o => o.SamplingFrequencyHz = 42)
            .AddOtlpProfiles(o => o.ExportInterval = TimeSpan.FromSeconds(7));

        Assert.Single(services, d => d.ServiceType == typeof(ContinuousProfiler));
        Assert.Single(services, d => d.ImplementationType?.Name == "ProfilerHostedService");
        using ServiceProvider provider = services.BuildServiceProvider();
        OtlpProfilesOptions options = provider.GetRequiredService<IOptions<OtlpProfilesOptions>>().Value;
        Assert.Equal(42, options.SamplingFrequencyHz);
        Assert.Equal(TimeSpan.FromSeconds(7), options.ExportInterval);
        Assert.Same(provider.GetRequiredService<ContinuousProfiler>(), provider.GetRequiredService<ContinuousProfiler>());
    }

    [Fact]
    public async Task ForceFlush_exports_the_samples_so_far_and_stopping_the_host_exports_the_rest()
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-flush-" + Guid.NewGuid().ToString("N"));
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("flush-test"))
                .WithTracing(t => t.AddSource("flush-test"))
                .AddOtlpProfiles(o =>
                {
                    o.Exporters = ProfileExporters.File;
                    o.FileDirectory = directory;
                    o.ExportInterval = TimeSpan.FromHours(1);
                    o.SamplingFrequencyHz = 1000;

                    // The test counts exports, and an interval without samples sends none: inside the test host
                    // (many threads, expensive pauses) the default 1% budget can leave the last 0.5 s unsampled.
                    o.SamplingOverheadPercent = 100;
                });
            using IHost host = builder.Build();
            await host.StartAsync();
            var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
            SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(20));
            Assert.True(profiler.IsRunning);

            KnownWork.Burn(TimeSpan.FromSeconds(1.5));
            Assert.True(profiler.ForceFlush(20_000));

            string[] afterFlush = Directory.GetFiles(directory, "*.pb");
            Assert.Single(afterFlush);
            var request = ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(afterFlush[0]));
            ProfileInvariants.AssertValid(request);
            Assert.Equal("flush-test", request.ResourceProfiles[0].Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
            Assert.Contains(
                OtlpDecoder.Decode(request).Where(p => p.PeriodType == "cpu/nanoseconds").TotalByFunction().Keys,
                name => name.EndsWith(nameof(KnownWork) + "." + nameof(KnownWork.Burn), StringComparison.Ordinal));

            KnownWork.Burn(TimeSpan.FromSeconds(0.5));
            await host.StopAsync();
            Assert.False(profiler.IsRunning);
            Assert.Equal(2, Directory.GetFiles(directory, "*.pb").Length);
            Assert.Equal(0, profiler.ThreadCount);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
