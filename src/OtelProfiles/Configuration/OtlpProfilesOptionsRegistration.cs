using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>
/// Registers the <see cref="OtlpProfilesOptions"/> pipeline: OTEL_* settings, then the <c>OpenTelemetry:Profiles</c>
/// section, then the application's delegates in registration order, then <c>OTEL_SDK_DISABLED</c>, then the fallback
/// of invalid configuration values to their defaults (with a warning); what code set is validated at startup, and
/// the options are rebuilt when the configuration reloads. Called by <c>AddOtlpProfiles</c>; safe to call repeatedly.
/// </summary>
internal static class OtlpProfilesOptionsRegistration
{
    /// <summary>
    /// Registers the pipeline on the first call and, on every call, appends <paramref name="configure"/>, so that
    /// calling <c>AddOtlpProfiles</c> twice applies both delegates in order and registers nothing else twice.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">The application's delegate, or <see langword="null"/>.</param>
    public static void Register(IServiceCollection services, Action<OtlpProfilesOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (!services.Any(d => d.ServiceType == typeof(Marker)))
        {
            services.AddSingleton(new Marker());
            services.AddOptions();

            // Options delegates run in registration order. Putting the configuration steps first means a
            // services.Configure<OtlpProfilesOptions>(...) written before AddOtlpProfiles still wins over them.
            services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<OtlpProfilesOptions>, OtlpProfilesSectionConfigurator>());
            services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<OtlpProfilesOptions>, OtlpProfilesEnvironmentConfigurator>());

            // After every Configure delegate: first the kill switch, then invalid configuration values fall back
            // to their defaults, leaving only values set in code for the validator to fail on.
            services.AddSingleton<IPostConfigureOptions<OtlpProfilesOptions>, SdkDisabledPostConfigurator>();
            services.AddSingleton<ConfigurationWarnings>();
            services.AddSingleton<IPostConfigureOptions<OtlpProfilesOptions>, ConfigurationFallbackPostConfigurator>();
            services.AddSingleton<IOptionsChangeTokenSource<OtlpProfilesOptions>, OptionalConfigurationChangeTokenSource>();
            services.AddSingleton<IValidateOptions<OtlpProfilesOptions>, OtlpProfilesOptionsValidator>();
            services.AddOptions<OtlpProfilesOptions>().ValidateOnStart();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }
    }

    /// <summary>Shows that the pipeline is registered in this collection.</summary>
    private sealed class Marker;
}
