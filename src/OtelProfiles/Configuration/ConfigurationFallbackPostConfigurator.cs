using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>
/// The last step before validation: invalid configuration values fall back to their defaults
/// (<see cref="ConfigurationFallback"/>), then the warnings of this build of the options are reported.
/// </summary>
/// <param name="warnings">Reports each warning once per application.</param>
internal sealed class ConfigurationFallbackPostConfigurator(ConfigurationWarnings warnings) : IPostConfigureOptions<OtlpProfilesOptions>
{
    public void PostConfigure(string? name, OtlpProfilesOptions options)
    {
        if (name != Options.DefaultName)
        {
            return;
        }

        ConfigurationFallback.Apply(options);
        warnings.Report(options.Sources.Warnings);
    }
}
