using Microsoft.Extensions.Hosting;

namespace OtelProfiles.Hosting;

/// <summary>
/// Starts the profiler with the host (in the background: opening sessions and the first rundown take a few
/// hundred milliseconds the application should not wait for) and stops it, with a final export, at shutdown.
/// </summary>
internal sealed class ProfilerHostedService : IHostedService
{
    private readonly ContinuousProfiler _profiler;
    private Task _starting = Task.CompletedTask;

    public ProfilerHostedService(ContinuousProfiler profiler) => _profiler = profiler;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = _profiler.StartInBackground();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _starting.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The profiler was disposed before it got to start: nothing to stop.
            return;
        }

        await Task.Factory.StartNew(_profiler.Stop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }
}
