using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>
/// Runs <see cref="SdkDisabledSwitch"/> as a post-configure step, so that it comes after the application's delegates
/// wherever they were registered.
/// </summary>
/// <param name="configuration">The host's configuration; when none is registered the environment is read.</param>
internal sealed class SdkDisabledPostConfigurator(IConfiguration? configuration = null) : IPostConfigureOptions<OtlpProfilesOptions>
{
    public void PostConfigure(string? name, OtlpProfilesOptions options)
    {
        if (name == Options.DefaultName)
        {
            SdkDisabledSwitch.Apply(options, SettingLookup.For(configuration));
        }
    }
}
