using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace OtelProfiles.Configuration;

/// <summary>
/// Applies the <c>OpenTelemetry:Profiles</c> section, key by key, with the standard configuration binder's
/// conversions (enum names such as <c>HttpProtobuf</c>, <c>TimeSpan</c> text such as <c>00:00:30</c>), and records
/// which key supplied which property so that messages name the key. Like an environment variable, a key that cannot
/// be used (unknown, or a value the binder cannot convert) is a warning and the rest of the section still applies.
/// </summary>
internal static class OtlpProfilesSectionBinder
{
    private const string Accepted =
        $"the property names of {nameof(OtlpProfilesOptions)}, enum names (for example Protocol=HttpProtobuf, " +
        "ProfileTypes=\"Cpu, Wall\") and durations as hh:mm:ss";

    // Configuration keys are case-insensitive, and so is the binder.
    private const BindingFlags PropertyLookup = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;

    public static void Apply(OtlpProfilesOptions options, IConfiguration? configuration)
    {
        var section = configuration?.GetSection(OtelSettingNames.ConfigurationSection);
        if (section is null || !section.Exists())
        {
            return;
        }

        // Empty values count as unset, as for the OTEL_* settings.
        foreach (IConfigurationSection child in section.GetChildren())
        {
            PropertyInfo? property = typeof(OtlpProfilesOptions).GetProperty(child.Key, PropertyLookup);
            if (property is null || !property.CanWrite)
            {
                // A misspelt "ExportIntreval" would otherwise be ignored without a word.
                options.Sources.AddWarning($"{child.Path} is not a setting of {OtelSettingNames.ConfigurationSection} and is ignored; accepted: {Accepted}");
                continue;
            }

            try
            {
                if (property.Name == nameof(OtlpProfilesOptions.Headers))
                {
                    ApplyHeaders(options, child);
                }
                else if (child.Value is { Length: > 0 } raw)
                {
                    property.SetValue(options, child.Get(property.PropertyType));
                    options.Sources.SetFrom(property.Name, child.Path, raw);
                }
            }
            catch (InvalidOperationException ex)
            {
                // The binder's message names the key and the target type, never a header value.
                options.Sources.AddWarning(SettingSources.Ignored($"{ex.Message.TrimEnd('.')}; accepted in {OtelSettingNames.ConfigurationSection}: {Accepted}", property.Name));
            }
        }
    }

    // Section headers add to those already set (from the environment); the text of a value is never recorded.
    private static void ApplyHeaders(OtlpProfilesOptions options, IConfigurationSection headers)
    {
        foreach (IConfigurationSection header in headers.GetChildren())
        {
            options.Headers[header.Key] = header.Value ?? string.Empty;
            options.Sources.SetHeaderFrom(header.Key, header.Path);
        }
    }
}
