using OtelProfiles.Tracing;

namespace OtelProfiles;

/// <summary>A scope of <see cref="ProfileTags.Set"/>: disposing it ends its tag.</summary>
public readonly struct ProfileTagScope : IDisposable, IEquatable<ProfileTagScope>
{
    private readonly ProfileTagSet? _outer;

    internal ProfileTagScope(ProfileTagSet? outer) => _outer = outer;

    /// <summary>Puts back the tags in force before the scope began.</summary>
    public void Dispose() => ProfileTags.Restore(_outer);

    /// <inheritdoc/>
    public bool Equals(ProfileTagScope other) => ReferenceEquals(_outer, other._outer);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ProfileTagScope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _outer?.GetHashCode() ?? 0;

    /// <summary>Whether two scopes restore the same tags.</summary>
    public static bool operator ==(ProfileTagScope left, ProfileTagScope right) => left.Equals(right);

    /// <summary>Whether two scopes restore different tags.</summary>
    public static bool operator !=(ProfileTagScope left, ProfileTagScope right) => !left.Equals(right);
}
