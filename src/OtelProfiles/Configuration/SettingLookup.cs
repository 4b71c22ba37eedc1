using Microsoft.Extensions.Configuration;

namespace OtelProfiles.Configuration;

/// <summary>
/// Where OTEL_* settings are looked up. In a host, <c>IConfiguration</c> already contains the environment variables
/// (and lets appsettings.json or tests supply the same keys); without one, the process environment is read directly.
/// </summary>
internal static class SettingLookup
{
    public static Func<string, string?> For(IConfiguration? configuration) =>
        configuration is null ? Environment.GetEnvironmentVariable : key => configuration[key];
}
