using Microsoft.Extensions.Logging;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.ProfileSources;

/// <summary>
/// Says, once per profile type and profiler, why a requested type is skipped on this runtime, and how the memory
/// profiles are measured here (each family's note). Called at start and whenever the types change.
/// </summary>
internal sealed class ProfileTypeReport
{
    private readonly ILogger _logger;
    private readonly HashSet<ProfileTypes> _reported = [];

    public ProfileTypeReport(ILogger logger) => _logger = logger;

    public void Report(ProfileTypes requested, ProfileTypeSupport support)
    {
        foreach ((ProfileTypes type, string name, _) in ProfileSourceRegistry.Declared)
        {
            if ((requested & type) == 0 || !_reported.Add(type))
            {
                continue;
            }

            if (support.Unavailable.TryGetValue(type, out string? reason))
            {
                Log.ProfileTypeUnavailable(_logger, name, reason);
                OtelProfilesEventSource.Log.ConfigurationWarning($"profile type {name} unavailable: {reason}");
            }
            else if (support.Note(type) is { } note)
            {
                Log.ProfileTypeNote(_logger, name, note);
            }
        }
    }
}
