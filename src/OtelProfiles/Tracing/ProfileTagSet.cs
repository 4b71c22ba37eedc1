namespace OtelProfiles.Tracing;

/// <summary>
/// The tags of one <see cref="ProfileTags.Set"/> scope and of the scopes around it, inner keys winning. Immutable:
/// a scope makes a new set from its outer one, and the set flows with the execution context.
/// </summary>
internal sealed class ProfileTagSet
{
    private ProfileTagSet(KeyValuePair<string, string>[] tags) => Tags = tags;

    /// <summary>The tags, each key once.</summary>
    public KeyValuePair<string, string>[] Tags { get; }

    /// <summary>The set of <paramref name="outer"/> with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static ProfileTagSet With(ProfileTagSet? outer, string key, string value)
    {
        KeyValuePair<string, string>[] tags = outer?.Tags ?? [];
        int existing = Array.FindIndex(tags, t => t.Key == key);
        KeyValuePair<string, string>[] copy;
        if (existing >= 0)
        {
            copy = (KeyValuePair<string, string>[])tags.Clone();
            copy[existing] = new(key, value);
        }
        else
        {
            copy = new KeyValuePair<string, string>[tags.Length + 1];
            tags.CopyTo(copy, 0);
            copy[^1] = new(key, value);
        }

        return new ProfileTagSet(copy);
    }
}
