using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace OtelProfiles.Configuration;

/// <summary>
/// Binds the <c>OpenTelemetry:Profiles</c> section onto the options with the standard configuration binder (property
/// names, enum names such as <c>HttpProtobuf</c>, <c>TimeSpan</c> text such as <c>00:00:30</c>), then records which
/// keys supplied which properties so that range errors name the configuration key.
/// </summary>
internal static class OtlpProfilesSectionBinder
{
    // Problems of the section as a whole are recorded under this name; no setter ever bumps it.
    private const string SectionProperty = OtelSettingNames.ConfigurationSection;

    // Configuration keys are case-insensitive, and so is the binder.
    private const BindingFlags PropertyLookup = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;

    public static void Apply(OtlpProfilesOptions options, IConfiguration? configuration)
    {
        var section = configuration?.GetSection(OtelSettingNames.ConfigurationSection);
        if (section is null || !section.Exists())
        {
            return;
        }

        try
        {
            // Unknown keys fail: a misspelt "ExportIntreval" would otherwise be ignored without a word.
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key and the target type; say what the section accepts.
            options.Sources.AddError(
                SectionProperty,
                $"{ex.Message.TrimEnd('.')}. Accepted in {OtelSettingNames.ConfigurationSection}: the property names of {nameof(OtlpProfilesOptions)}, " +
                "enum names (for example Protocol=HttpProtobuf, ProfileTypes=\"Cpu, Wall\") and durations as hh:mm:ss.");
        }

        foreach (var child in section.GetChildren())
        {
            if (typeof(OtlpProfilesOptions).GetProperty(child.Key, PropertyLookup) is { } property)
            {
                // Header values stay out of the record, like those from the environment.
                var raw = property.Name == nameof(OtlpProfilesOptions.Headers) ? null : child.Value;
                options.Sources.SetFrom(property.Name, child.Path, raw);
            }
        }
    }
}
