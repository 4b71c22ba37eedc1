using Microsoft.Extensions.Configuration;

namespace OtelProfiles.Configuration;

/// <summary>
/// Builds options without dependency injection, through the same steps and in the same order as the registered
/// options pipeline: defaults, OTEL_* settings, the <c>OpenTelemetry:Profiles</c> section, the delegate, then
/// <c>OTEL_SDK_DISABLED</c>. Useful for tools and tests; validation is left to the caller.
/// </summary>
internal static class OtlpProfilesOptionsReader
{
    /// <param name="configuration">Where OTEL_* keys and the section are read; <see langword="null"/> reads the environment.</param>
    /// <param name="configure">The application's delegate, applied after the configuration.</param>
    public static OtlpProfilesOptions Read(IConfiguration? configuration, Action<OtlpProfilesOptions>? configure = null)
    {
        var options = new OtlpProfilesOptions();
        var lookup = SettingLookup.For(configuration);
        OtelSettingsReader.Apply(options, lookup);
        OtlpProfilesSectionBinder.Apply(options, configuration);
        configure?.Invoke(options);
        SdkDisabledSwitch.Apply(options, lookup);
        return options;
    }
}
