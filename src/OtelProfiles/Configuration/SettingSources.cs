namespace OtelProfiles.Configuration;

/// <summary>
/// Remembers, for each property of one <see cref="OtlpProfilesOptions"/> instance, which setting its value came from
/// (an environment variable, a configuration key, or code) and which problems the readers found on the way.
/// </summary>
/// <remarks>
/// Two things need this. Messages must name the setting the operator actually wrote
/// (<c>OTEL_PROFILES_EXPORT_INTERVAL='0'</c>, not <c>ExportInterval=00:00:00</c>). And a malformed value from a
/// lower-precedence source that a higher one replaced (say an environment variable overridden in code) must not stop
/// the application: such a problem becomes a warning. Every property setter bumps a version, so a problem recorded at
/// version N is still in force only while the property stays at version N.
/// </remarks>
internal sealed class SettingSources
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly List<Issue> issues = [];
    private readonly List<string> warnings = [];

    /// <summary>Called by every property setter: the new value comes from code or the binder until a reader says otherwise.</summary>
    public void Changed(string property)
    {
        this.entries.TryGetValue(property, out var entry);
        this.entries[property] = new Entry(entry.Version + 1, Setting: null, RawValue: null);
    }

    /// <summary>Records that the property's current value was read from <paramref name="setting"/> as <paramref name="rawValue"/>.</summary>
    public void SetFrom(string property, string setting, string? rawValue)
    {
        this.entries.TryGetValue(property, out var entry);
        this.entries[property] = entry with { Setting = setting, RawValue = rawValue };
    }

    /// <summary>The setting the property's value came from, or <see langword="null"/> for defaults and code.</summary>
    public (string Setting, string? RawValue)? Find(string property) =>
        this.entries.TryGetValue(property, out var entry) && entry.Setting is not null
            ? (entry.Setting, entry.RawValue)
            : null;

    /// <summary>
    /// Records a value that could not be used for <paramref name="property"/>; it fails validation unless a later
    /// source sets the property.
    /// </summary>
    public void AddError(string property, string message) =>
        this.issues.Add(new Issue(property, this.VersionOf(property), message));

    /// <summary>Records something worth telling the operator that does not stop profiling.</summary>
    public void AddWarning(string message) => this.warnings.Add(message);

    /// <summary>Problems still in force, in the order they were found.</summary>
    public IEnumerable<string> Errors =>
        this.issues.Where(i => i.Version == this.VersionOf(i.Property)).Select(i => i.Message);

    /// <summary>Warnings, including problems whose property a later source replaced.</summary>
    public IEnumerable<string> Warnings =>
        this.warnings.Concat(
            this.issues
                .Where(i => i.Version != this.VersionOf(i.Property))
                .Select(i => $"{i.Message} (ignored: {i.Property} was set again by a later source)"));

    private int VersionOf(string property) => this.entries.TryGetValue(property, out var entry) ? entry.Version : 0;

    private readonly record struct Entry(int Version, string? Setting, string? RawValue);

    private readonly record struct Issue(string Property, int Version, string Message);
}
