using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OtelProfiles.Configuration;

/// <summary>The <c>OpenTelemetry:Profiles</c> step of the options pipeline, after the OTEL_* settings.</summary>
/// <param name="configuration">The host's configuration; without one there is no section to bind.</param>
internal sealed class OtlpProfilesSectionConfigurator(IConfiguration? configuration = null) : IConfigureOptions<OtlpProfilesOptions>
{
    public void Configure(OtlpProfilesOptions options) => OtlpProfilesSectionBinder.Apply(options, configuration);
}
