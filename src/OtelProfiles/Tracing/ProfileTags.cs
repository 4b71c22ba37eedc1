using OtelProfiles.Tracing;

namespace OtelProfiles;

/// <summary>
/// Request-scoped profile tags: every sample taken inside a <see cref="Set"/> scope carries its tags as string
/// sample attributes, on whatever thread the code runs, across <c>await</c> and into tasks started inside the scope
/// (the tags flow with the execution context, like <see cref="System.Diagnostics.Activity.Current"/>).
/// </summary>
/// <remarks>
/// An inner scope setting the same key overrides the outer value until it ends. Each key takes at most
/// 100 distinct values over the process's life (a tag fed from unbounded data would multiply the profile's size);
/// further values are exported as <c>_other</c> and the key is logged once. Setting a tag costs one small
/// allocation; code inside the scope pays nothing more while no profiler runs.
/// </remarks>
/// <example>
/// <code>
/// using (ProfileTags.Set("tenant.tier", tenant.Tier))
/// {
///     await HandleAsync(request);
/// }
/// </code>
/// </example>
public static class ProfileTags
{
    private static readonly AsyncLocal<ProfileTagSet?> CurrentSet = new(change => SampleContextTracker.OnTagsChanged(change.CurrentValue));

    /// <summary>The tags in force here (null outside every scope).</summary>
    internal static ProfileTagSet? Current => CurrentSet.Value;

    /// <summary>
    /// Tags the samples taken until the returned scope is disposed with <paramref name="key"/> = <paramref name="value"/>.
    /// </summary>
    /// <param name="key">An OpenTelemetry attribute key, checked like a <c>[ProfileTag]</c> key: lowercase ASCII
    /// letters, digits and '_', namespaces separated by '.', a letter first, not in the <c>otel.</c> namespace.</param>
    /// <param name="value">The value; its first 100 distinct values per key are exported as they are.</param>
    /// <returns>The scope; dispose it (with <c>using</c>) where the tag ends, in the same async method.</returns>
    /// <exception cref="ArgumentNullException">The key or value is null.</exception>
    /// <exception cref="ArgumentException">The key breaks the naming rules.</exception>
    public static ProfileTagScope Set(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!ProfileTagKeys.IsValid(key))
        {
            throw new ArgumentException($"Profile tag key '{key}' is not a valid attribute name; accepted: {ProfileTagKeys.Rules}.", nameof(key));
        }

        ProfileTagSet? outer = CurrentSet.Value;
        string? admitted = ProfileTagValueLimit.Admit(key, value);
        CurrentSet.Value = admitted is null ? outer : ProfileTagSet.With(outer, key, admitted);
        return new ProfileTagScope(outer);
    }

    /// <summary>Ends a scope: the tags of the scope around it are in force again.</summary>
    internal static void Restore(ProfileTagSet? outer) => CurrentSet.Value = outer;
}
