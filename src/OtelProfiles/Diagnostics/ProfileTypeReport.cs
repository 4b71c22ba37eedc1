using Microsoft.Extensions.Logging;
using OtelProfiles.Collection.Events;
using OtelProfiles.Configuration;

namespace OtelProfiles.Diagnostics;

/// <summary>
/// Says, once per profile type and profiler, why a requested type is skipped on this runtime, and how the memory
/// profile is tracked here. Called at start and whenever the types change.
/// </summary>
internal sealed class ProfileTypeReport
{
    private readonly ILogger _logger;
    private readonly HashSet<ProfileTypes> _reported = [];

    public ProfileTypeReport(ILogger logger) => _logger = logger;

    public void Report(ProfileTypes requested, ProfileTypeSupport support)
    {
        foreach ((ProfileTypes type, string name) in ProfileTypeNames.All)
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
            else if (Note(type, support) is { } note)
            {
                Log.ProfileTypeNote(_logger, name, note);
            }
        }
    }

    private static string? Note(ProfileTypes type, ProfileTypeSupport support) => type switch
    {
        ProfileTypes.InUseMemory when support.BackgroundGC =>
            "follows sampled objects through the GC's survival and move events; background GC is on, and a background "
            + "GC reports its survivors only once, at its end, so a small share of entries can follow memory the GC "
            + "reused; set DOTNET_gcConcurrent=0 for exact in-use tracking",
        _ => null,
    };
}
