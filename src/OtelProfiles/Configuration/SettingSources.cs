namespace OtelProfiles.Configuration;

/// <summary>
/// Remembers, for one <see cref="OtlpProfilesOptions"/> instance, which configuration setting (an environment
/// variable or a configuration key) supplied which property value, and the warnings found on the way.
/// </summary>
/// <remarks>
/// Two things need the origin of a value: messages name the setting the operator wrote
/// (<c>OTEL_PROFILES_EXPORT_INTERVAL='0'</c>, not <c>ExportInterval=00:00:00</c>), and an invalid value from
/// configuration falls back to the default with a warning while one set in code stops the application. A property
/// counts as coming from a setting while it still holds the value that setting gave it: code that assigns another
/// value (or changes the headers in place) takes it over, without the property setters having to report it. Code
/// that assigns exactly the configured value is indistinguishable from it, which changes nothing.
/// </remarks>
internal sealed class SettingSources(OtlpProfilesOptions owner)
{
    private readonly Dictionary<string, Origin> _origins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Origin> _headerOrigins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _warnings = [];

    /// <summary>
    /// Records that the property's current value was read from <paramref name="setting"/> as
    /// <paramref name="rawValue"/> (<see langword="null"/> for secrets); for headers, every header now present.
    /// </summary>
    public void SetFrom(string property, string setting, string? rawValue)
    {
        _origins[property] = new Origin(setting, rawValue, OptionProperties.Snapshot(owner, property));
        if (property == nameof(OtlpProfilesOptions.Headers))
        {
            foreach ((string name, string value) in owner.Headers)
            {
                _headerOrigins[name] = new Origin(setting, RawValue: null, value);
            }
        }
    }

    /// <summary>Records that one header's current value came from <paramref name="setting"/>.</summary>
    public void SetHeaderFrom(string name, string setting)
    {
        if (owner.Headers.TryGetValue(name, out string? value))
        {
            _headerOrigins[name] = new Origin(setting, RawValue: null, value);
        }
    }

    /// <summary>The setting the property's current value came from, or <see langword="null"/> for defaults and code.</summary>
    public (string Setting, string? RawValue)? Find(string property) =>
        _origins.TryGetValue(property, out Origin origin) && Equals(origin.Value, OptionProperties.Snapshot(owner, property))
            ? (origin.Setting, origin.RawValue)
            : null;

    /// <summary>The setting a header's current value came from, or <see langword="null"/> when code set it.</summary>
    public string? FindHeader(string name) =>
        _headerOrigins.TryGetValue(name, out Origin origin)
        && owner.Headers.TryGetValue(name, out string? value)
        && Equals(origin.Value, value)
            ? origin.Setting
            : null;

    /// <summary>Records something worth telling the operator that does not stop profiling.</summary>
    public void AddWarning(string message) => _warnings.Add(message);

    /// <summary>The warnings, in the order they were found.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The warning for a setting whose text could not be used at all.</summary>
    public static string Ignored(string problem, string property) =>
        $"{problem}; ignored: {property} keeps its default unless another source sets it";

    private readonly record struct Origin(string Setting, string? RawValue, object? Value);
}
