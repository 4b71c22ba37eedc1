namespace OtelProfiles.Export;

/// <summary>Waits <paramref name="delay"/>; injectable so tests can record the waits instead of sleeping.</summary>
internal delegate Task ExportDelay(TimeSpan delay, CancellationToken cancellationToken);

/// <summary>How <see cref="RetryingExporter"/> retries: exponential backoff with jitter, bounded in attempts and time.</summary>
internal sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts in total, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest computed backoff between two attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public double BackoffMultiplier { get; init; } = 1.5;

    /// <summary>
    /// The longest wait a receiver's Retry-After/RetryInfo can impose. Profiles for the next interval are already
    /// being collected, so a receiver asking for an hour is better answered by dropping this request.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// All attempts and waits of one request together; no new attempt starts after it, and a running one is
    /// cancelled at it. Keeps one request from holding the queue for longer than a few export intervals.
    /// </summary>
    public TimeSpan TotalDeadline { get; init; } = TimeSpan.FromSeconds(60);

    public static Task RealDelay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);

    /// <summary>
    /// The computed backoff before retry number <paramref name="retry"/> (1-based): initial × multiplier^(retry-1),
    /// capped, with "equal jitter" (half fixed, half random) so many instances restarted together spread out.
    /// </summary>
    public TimeSpan Backoff(int retry, Random random)
    {
        var uncapped = this.InitialBackoff.TotalMilliseconds * Math.Pow(this.BackoffMultiplier, Math.Max(0, retry - 1));
        var capped = Math.Min(uncapped, this.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (random.NextDouble() * capped / 2));
    }
}
