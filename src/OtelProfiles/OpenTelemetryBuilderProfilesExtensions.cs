using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OtelProfiles.Configuration;
using OtelProfiles.Hosting;

namespace OtelProfiles;

/// <summary>Adds continuous profiling to an OpenTelemetry setup: <c>services.AddOpenTelemetry()...AddOtlpProfiles()</c>.</summary>
public static class OpenTelemetryBuilderProfilesExtensions
{
    /// <summary>
    /// Profiles this application (CPU and wall clock by default) and exports the profiles over OTLP next to its
    /// traces and metrics, with the same Resource. Settings come from OTEL_* environment variables, the
    /// <c>OpenTelemetry:Profiles</c> configuration section and <paramref name="configure"/>, in that order; an invalid
    /// configuration value is a warning and the default applies, an invalid value set in code fails at startup. Safe to call more than once: every delegate
    /// applies, in order, and nothing is registered twice.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddOpenTelemetry()</c>.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IOpenTelemetryBuilder AddOtlpProfiles(this IOpenTelemetryBuilder builder, Action<OtlpProfilesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        OtlpProfilesOptionsRegistration.Register(services, configure);
        services.TryAddSingleton(provider => new ContinuousProfiler(
            provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>(),
            ApplicationResource.From(provider),
            provider.GetService<ILoggerFactory>()?.CreateLogger(Diagnostics.Log.CategoryName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProfilerHostedService>());
        return builder;
    }
}
