using System.Collections.Concurrent;
using OtelProfiles.Export;

namespace OtelProfiles.Tests.Export;

/// <summary>
/// The injected wait of <see cref="RetryingExporter"/>: records each requested delay and returns at once (moving an
/// optional manual clock forward), so retry tests run against real servers without sleeping for seconds.
/// </summary>
internal sealed class RecordingDelay(ManualTimeProvider? clock = null)
{
    private readonly ConcurrentQueue<TimeSpan> _requested = new();

    public IReadOnlyList<TimeSpan> Requested => _requested.ToArray();

    public ExportDelay Delay => (delay, cancellationToken) =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        _requested.Enqueue(delay);
        clock?.Advance(delay);
        return Task.CompletedTask;
    };
}
