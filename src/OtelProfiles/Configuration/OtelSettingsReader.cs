namespace OtelProfiles.Configuration;

/// <summary>
/// Applies the <c>OTEL_*</c> settings of <see cref="OtelSettings.All"/> to an options instance: the step between the
/// defaults and the <c>OpenTelemetry:Profiles</c> section. As the OpenTelemetry specification asks of environment
/// variables, a value that cannot be used is a warning, not a failure: the property keeps what it had and the
/// warning names the setting, the value and what is accepted.
/// </summary>
internal static class OtelSettingsReader
{
    /// <param name="options">The options to update.</param>
    /// <param name="read">Looks a setting up by name; <see cref="SettingLookup"/> makes one.</param>
    public static void Apply(OtlpProfilesOptions options, Func<string, string?> read)
    {
        var problems = new List<string>();
        foreach (OtelSetting setting in OtelSettings.All)
        {
            if (Pick(setting.Names, read) is not var (name, raw))
            {
                continue;
            }

            problems.Clear();
            if (setting.Apply(options, name, raw, problems))
            {
                // A secret's text is not kept.
                options.Sources.SetFrom(setting.Property, name, setting.IsSecret ? null : raw);
            }

            foreach (string problem in problems)
            {
                options.Sources.AddWarning(SettingSources.Ignored(problem, setting.Property));
            }
        }
    }

    // The first name that is set wins as a whole (a per-signal setting is never merged with the generic one). The
    // OTEL specification treats an empty value like an unset one.
    private static (string Name, string Raw)? Pick(IReadOnlyList<string> names, Func<string, string?> read)
    {
        foreach (string name in names)
        {
            if (read(name)?.Trim() is { Length: > 0 } value)
            {
                return (name, value);
            }
        }

        return null;
    }
}
