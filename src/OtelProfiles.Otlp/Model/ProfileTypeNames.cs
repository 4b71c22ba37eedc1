namespace OtelProfiles.Otlp.Model;

/// <summary>
/// Helpers for profile type strings: <c>"&lt;sample type&gt;/&lt;unit&gt;"</c>, prefixed with <c>"&lt;period type&gt;:"</c>
/// when the period type says more than the sample type. The prefix matters: profilers send CPU and wall-clock profiles
/// both as <c>samples/count</c> (the OtelProfiles library its wall profile; its CPU profile is <c>cpu/nanoseconds</c>),
/// told apart only by their period types (cpu, wall), so they become <c>cpu:samples/count</c> and
/// <c>wall:samples/count</c> and are never merged.
/// </summary>
internal static class ProfileTypeNames
{
    /// <summary>Builds the profile type string from a sample type, its unit and (optionally) the period type name.</summary>
    public static string Format(string type, string unit, string? periodType = null)
    {
        var core = $"{(type.Length == 0 ? "unknown" : type)}/{(unit.Length == 0 ? "unknown" : unit)}";
        return string.IsNullOrEmpty(periodType) || periodType == type ? core : $"{periodType}:{core}";
    }

    /// <summary>The unit part (after the last '/').</summary>
    public static string UnitOf(string profileType)
    {
        var slash = profileType.LastIndexOf('/');
        return slash < 0 ? "" : profileType[(slash + 1)..];
    }

    /// <summary>The sample type part (between the optional "period:" prefix and the last '/').</summary>
    public static string TypeOf(string profileType)
    {
        var slash = profileType.LastIndexOf('/');
        var type = slash < 0 ? profileType : profileType[..slash];
        var colon = type.IndexOf(':');
        return colon < 0 ? type : type[(colon + 1)..];
    }

    /// <summary>Orders profile types for display: CPU first, then wall-clock, then the rest by name.</summary>
    public static IEnumerable<string> Preferred(IEnumerable<string> profileTypes) =>
        profileTypes.OrderBy(t => t.StartsWith("cpu", StringComparison.Ordinal) ? 0 : t.StartsWith("wall", StringComparison.Ordinal) ? 1 : 2)
            .ThenBy(t => t, StringComparer.Ordinal);

    /// <summary>A file-name-safe form, for example <c>samples_count</c>.</summary>
    public static string ToFileSuffix(string profileType)
    {
        var chars = profileType.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray();
        return new string(chars);
    }
}
