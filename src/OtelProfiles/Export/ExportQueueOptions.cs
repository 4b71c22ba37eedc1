namespace OtelProfiles.Export;

/// <summary>Limits of <see cref="ExportQueue"/>.</summary>
internal sealed record ExportQueueOptions
{
    public static ExportQueueOptions Default { get; } = new();

    /// <summary>
    /// Requests waiting to be sent, the one being sent not included. One request is one export interval, so the
    /// default of 8 rides out two minutes of receiver outage at 15 s intervals and bounds memory to 9 requests.
    /// </summary>
    public int Capacity { get; init; } = 8;

    /// <summary>How long <see cref="ExportQueue.DisposeAsync"/> keeps sending what is queued before dropping it.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After the first failure of a kind is logged, repeats of it are summarised at most this often.</summary>
    public TimeSpan FailureLogInterval { get; init; } = TimeSpan.FromMinutes(5);
}
