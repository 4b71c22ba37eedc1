using System.Diagnostics.CodeAnalysis;

namespace OtelProfiles.Tracing;

/// <summary>The spelling of <see cref="ProfileSpanLinks"/> in <c>OTEL_PROFILES_SPAN_LINKS</c>.</summary>
internal static class SpanLinksSetting
{
    public const string Accepted = "all, recorded, local_root, none";

    public static bool TryParse(string setting, string raw, out ProfileSpanLinks value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (raw.Trim().ToLowerInvariant())
        {
            case "all":
                value = ProfileSpanLinks.All;
                return true;
            case "recorded":
                value = ProfileSpanLinks.Recorded;
                return true;
            case "local_root":
                value = ProfileSpanLinks.LocalRoot;
                return true;
            case "none":
                value = ProfileSpanLinks.None;
                return true;
            default:
                value = default;
                error = $"{setting}='{raw}' is not a span link choice; accepted: {Accepted}";
                return false;
        }
    }

    public static string Format(ProfileSpanLinks links) => links switch
    {
        ProfileSpanLinks.All => "all",
        ProfileSpanLinks.Recorded => "recorded",
        ProfileSpanLinks.LocalRoot => "local_root",
        ProfileSpanLinks.None => "none",
        _ => links.ToString(),
    };
}
