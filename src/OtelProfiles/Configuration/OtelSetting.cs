using System.Diagnostics.CodeAnalysis;

namespace OtelProfiles.Configuration;

/// <summary>Turns the text of a setting into a value, or into a message naming the setting, the value and what is accepted.</summary>
internal delegate bool SettingParser<T>(string setting, string raw, out T value, [NotNullWhen(false)] out string? error);

/// <summary>
/// One row of <see cref="OtelSettings.All"/>: an <c>OTEL_*</c> setting, the property it sets and how.
/// </summary>
/// <param name="Property">The <see cref="OtlpProfilesOptions"/> property the setting fills.</param>
/// <param name="Names">The setting's names, the one that wins first: the per-signal form before the generic one.</param>
/// <param name="Apply">
/// Parses the text and sets the property; returns whether it set it and adds what it could not use to the problems
/// (a headers list can do both: the good entries apply, the bad ones are reported).
/// </param>
/// <param name="IsSecret">The raw text is a credential and is never kept or shown.</param>
internal sealed record OtelSetting(
    string Property,
    IReadOnlyList<string> Names,
    Func<OtlpProfilesOptions, string, string, List<string>, bool> Apply,
    bool IsSecret = false)
{
    /// <summary>The usual row: parse the text with <paramref name="parse"/> and, when it parses, <paramref name="set"/> it.</summary>
    public static OtelSetting Of<T>(string property, IReadOnlyList<string> names, SettingParser<T> parse, Action<OtlpProfilesOptions, T> set) =>
        new(property, names, (options, setting, raw, problems) =>
        {
            if (!parse(setting, raw, out T value, out string? error))
            {
                problems.Add(error);
                return false;
            }

            set(options, value);
            return true;
        });
}
