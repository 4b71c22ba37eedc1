namespace OtelProfiles.Tool.Storage;

/// <summary>Which stored profiles to read: one service and profile type, optionally within a time range.</summary>
/// <param name="Service">The service name (resource attribute service.name).</param>
/// <param name="ProfileType">The profile type, for example <c>cpu:samples/count</c>.</param>
/// <param name="FromUnixNano">Only profiles that end at or after this instant; null for no lower bound.</param>
/// <param name="ToUnixNano">Only profiles that start at or before this instant; null for no upper bound.</param>
internal sealed record ProfileQuery(string Service, string ProfileType, long? FromUnixNano = null, long? ToUnixNano = null);

/// <summary>What the store holds for one service.</summary>
/// <param name="Service">The service name.</param>
/// <param name="ProfileTypes">The profile types received from it, sorted.</param>
/// <param name="FirstUnixNano">Start of its oldest stored profile.</param>
/// <param name="LastUnixNano">End of its newest stored profile.</param>
/// <param name="ProfileCount">How many profiles are stored.</param>
internal sealed record ServiceSummary(string Service, IReadOnlyList<string> ProfileTypes, long FirstUnixNano, long LastUnixNano, long ProfileCount);

/// <summary>How much the store keeps.</summary>
/// <param name="MaxAge">Batches received longer ago than this are deleted.</param>
/// <param name="MaxBytes">When stored payloads exceed this many bytes, the oldest batches are deleted first.</param>
internal sealed record RetentionPolicy(TimeSpan MaxAge, long MaxBytes)
{
    /// <summary>24 hours, 1 GiB: a day of a handful of services at the default export interval fits easily.</summary>
    public static RetentionPolicy Default { get; } = new(TimeSpan.FromHours(24), 1L << 30);
}
