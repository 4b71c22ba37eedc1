using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>
/// The OTEL_* step of the options pipeline. It looks the keys up in <c>IConfiguration</c> on every call rather than
/// caching them, so an <c>IOptionsMonitor</c> reload sees changed values.
/// </summary>
/// <param name="configuration">The host's configuration; when none is registered the environment is read.</param>
internal sealed class OtlpProfilesEnvironmentConfigurator(IConfiguration? configuration = null) : IConfigureOptions<OtlpProfilesOptions>
{
    public void Configure(OtlpProfilesOptions options) =>
        OtelSettingsReader.Apply(options, SettingLookup.For(configuration));
}
