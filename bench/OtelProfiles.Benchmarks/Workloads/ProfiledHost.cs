using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Wires the profiler into a benchmark process the way an application does (<c>AddOpenTelemetry().AddOtlpProfiles()</c>).
/// Every job uses the same code path: whether profiling runs, and with which types, comes from the job's
/// OTEL_PROFILES_* environment variables, so the baseline pays for the same host and only the profiler differs.
/// Profiles go to files (no network receiver in a benchmark); the host process measures their size afterwards.
/// </summary>
internal static class ProfiledHost
{
    /// <summary>A generic host with the profiler, for workloads that are not web servers.</summary>
    public static IHost StartGeneric()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        Configure(builder.Services, builder.Logging);
        IHost host = builder.Build();
        host.Start();
        return host;
    }

    /// <summary>Adds logging and the profiler to a web application's services.</summary>
    public static void Configure(WebApplicationBuilder builder) => Configure(builder.Services, builder.Logging);

    private static void Configure(IServiceCollection services, ILoggingBuilder logging)
    {
        // Warnings only: a profiler that cannot start says so in the benchmark log; per-request logs would be noise.
        logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        string directory = BenchEnvironment.ExportDirectoryFor(Environment.ProcessId);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("otelprofiles-benchmark"))
            .AddOtlpProfiles(options =>
            {
                options.Exporters = ProfileExporters.File;
                options.FileDirectory = directory;
            });
    }
}
