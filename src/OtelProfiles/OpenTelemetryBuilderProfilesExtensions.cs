using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
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
    /// applies, in order, and nothing is registered twice. The profiler's health metrics (Meter
    /// <see cref="ContinuousProfiler.MeterName"/>) join the application's metrics when it has them; this call never
    /// turns metrics on by itself.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddOpenTelemetry()</c>.</param>
    /// <param name="configure">Optional changes to the options.</param>
    /// <returns>The same builder, for chaining.</returns>
    // RS0027 asks the overload with an optional parameter to have the most parameters, so that a call can never
    // bind to another overload once one is added. The others begin with a protocol and a Uri, which no call of this
    // one passes, so no call changes meaning; and this shape is the one every existing caller uses.
#pragma warning disable RS0027
    public static IOpenTelemetryBuilder AddOtlpProfiles(this IOpenTelemetryBuilder builder, Action<OtlpProfilesOptions>? configure = null)
#pragma warning restore RS0027
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(ContinuousProfiler)))
        {
            // The health metrics join the application's metrics when it has them (WithMetrics, UseOtlpExporter):
            // this only configures a MeterProvider that something else builds, and creates none.
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(ContinuousProfiler.MeterName));
        }

        OtlpProfilesOptionsRegistration.Register(services, configure);
        services.TryAddSingleton(provider => new ContinuousProfiler(
            provider.GetRequiredService<IOptionsMonitor<OtlpProfilesOptions>>(),
            ApplicationResource.From(provider),
            provider.GetService<ILoggerFactory>()?.CreateLogger(Diagnostics.Log.CategoryName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProfilerHostedService>());
        return builder;
    }

    /// <summary>
    /// Profiles this application and exports the profiles to <paramref name="baseUrl"/> with
    /// <paramref name="protocol"/>: the same one call as OpenTelemetry .NET's
    /// <c>UseOtlpExporter(OtlpExportProtocol protocol, Uri baseUrl)</c>, whose values profiles cannot read (that
    /// method keeps them in internal types), so an application that configures its exporter in code passes the same
    /// two values here. As there, OTLP/HTTP appends the signal path (<c>/v1development/profiles</c>) to the base URL,
    /// the base URL and protocol replace <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
    /// and settings meant for profiles alone win over them: <c>OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT</c> and
    /// <c>OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL</c>, the <c>OpenTelemetry:Profiles</c> section and the
    /// <c>configure</c> delegate of the overload that takes one. Headers and timeout still come from the shared <c>OTEL_EXPORTER_OTLP_HEADERS</c>
    /// and <c>OTEL_EXPORTER_OTLP_TIMEOUT</c> (environment or <c>IConfiguration</c>), which the other signals read too.
    /// Otherwise the same as <see cref="AddOtlpProfiles(IOpenTelemetryBuilder, Action{OtlpProfilesOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddOpenTelemetry()</c>.</param>
    /// <param name="protocol">The OTLP transport, as given to <c>UseOtlpExporter</c>.</param>
    /// <param name="baseUrl">The base URL, as given to <c>UseOtlpExporter</c>, for example <c>http://collector:4318</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="protocol"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="baseUrl"/> is not an absolute http(s) URL.</exception>
    public static IOpenTelemetryBuilder AddOtlpProfiles(this IOpenTelemetryBuilder builder, OtlpProfilesProtocol protocol, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SharedOtlpDestination destination = SharedOtlpDestination.Create(protocol, baseUrl);
        return builder.AddOtlpProfiles(destination.ApplyTo);
    }

    /// <summary>
    /// <see cref="AddOtlpProfiles(IOpenTelemetryBuilder, OtlpProfilesProtocol, Uri)"/>, then
    /// <paramref name="configure"/>, which wins over the destination like any later delegate.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddOpenTelemetry()</c>.</param>
    /// <param name="protocol">The OTLP transport, as given to <c>UseOtlpExporter</c>.</param>
    /// <param name="baseUrl">The base URL, as given to <c>UseOtlpExporter</c>.</param>
    /// <param name="configure">Changes to the options, applied after the destination.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="protocol"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="baseUrl"/> is not an absolute http(s) URL.</exception>
    public static IOpenTelemetryBuilder AddOtlpProfiles(
        this IOpenTelemetryBuilder builder,
        OtlpProfilesProtocol protocol,
        Uri baseUrl,
        Action<OtlpProfilesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddOtlpProfiles(protocol, baseUrl).AddOtlpProfiles(configure);
    }
}
