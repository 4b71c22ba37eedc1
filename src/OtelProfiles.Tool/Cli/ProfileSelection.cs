using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Cli;

/// <summary>Narrows decoded profiles by --service and --type and groups them the way every file command outputs them.</summary>
internal static class ProfileSelection
{
    public static IReadOnlyList<DecodedProfile> Select(IReadOnlyList<DecodedProfile> profiles, string? service, string? type)
    {
        var selected = profiles
            .Where(p => service is null || p.ServiceName == service)
            .Where(p => type is null || p.ProfileType == type)
            .ToList();
        if (selected.Count == 0)
        {
            var available = string.Join(", ", profiles.Select(p => $"{p.ServiceName} {p.ProfileType}").Distinct().Order(StringComparer.Ordinal));
            throw new CliException($"no profiles match --service {service ?? "(any)"} --type {type ?? "(any)"}; the input has: {available}");
        }

        return selected;
    }

    /// <summary>Groups by (service, type) in a stable order.</summary>
    public static IEnumerable<IGrouping<(string Service, string Type), DecodedProfile>> ByServiceAndType(IEnumerable<DecodedProfile> profiles) =>
        profiles.GroupBy(p => (p.ServiceName, p.ProfileType))
            .OrderBy(g => g.Key.ServiceName, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ProfileType.StartsWith("cpu", StringComparison.Ordinal) ? 0 : g.Key.ProfileType.StartsWith("wall", StringComparison.Ordinal) ? 1 : 2)
            .ThenBy(g => g.Key.ProfileType, StringComparer.Ordinal);
}

/// <summary>A user error: printed without a stack trace, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
