using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Export;

/// <summary>
/// Retries an inner exporter's retryable failures (see <see cref="RetryPolicy"/>) and returns the last outcome.
/// A receiver's Retry-After/RetryInfo replaces the computed backoff, capped at <see cref="RetryPolicy.MaxRetryAfter"/>.
/// </summary>
internal sealed partial class RetryingExporter : IProfilesExporter
{
    private readonly IProfilesExporter _inner;
    private readonly RetryPolicy _policy;
    private readonly ExportDelay _delay;
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly ILogger _logger;

    // Cancelled by StopRetrying (shutdown): ends a retry wait at once and lets no new retry start.
    private readonly CancellationTokenSource _retriesStopped = new();

    public RetryingExporter(
        IProfilesExporter inner,
        RetryPolicy? policy = null,
        ExportDelay? delay = null,
        TimeProvider? timeProvider = null,
        Random? random = null,
        ILogger? logger = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _policy = policy ?? RetryPolicy.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_policy.MaxAttempts, 1, nameof(policy));
        _delay = delay ?? RetryPolicy.RealDelay;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Target => _inner.Target;

    public async ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadlineSource.CancelAfter(_policy.TotalDeadline);

        for (var attempt = 1; ; attempt++)
        {
            ExportOutcome outcome;
            try
            {
                outcome = await _inner.ExportAsync(request, deadlineSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ExportOutcome.Failed(
                    "retry deadline",
                    $"Gave up after {attempt} attempt(s): the retry deadline of {_policy.TotalDeadline.TotalSeconds:0.###} s passed during an attempt",
                    retryable: false);
            }

            if (outcome.Success || !outcome.Retryable)
            {
                return outcome;
            }

            if (attempt >= _policy.MaxAttempts)
            {
                return GiveUp(outcome, $"after {attempt} attempts");
            }

            var wait = this.NextWait(attempt, outcome);
            var remaining = _policy.TotalDeadline - _timeProvider.GetElapsedTime(started);
            if (wait >= remaining)
            {
                // Waiting past the deadline only to be cancelled would hold the queue for nothing.
                return GiveUp(outcome, $"after {attempt} attempt(s): the next wait ({wait.TotalSeconds:0.###} s) would pass the retry deadline");
            }

            // At shutdown only a receiver that answered and named its delay (Retry-After, RetryInfo) is waited for,
            // within shutdown's budget; refused, reset or silent receivers are not worth the app's shutdown time.
            var waitsAtShutdown = outcome.RetryAfter is not null;
            if (_retriesStopped.IsCancellationRequested && !waitsAtShutdown)
            {
                return GiveUp(outcome, $"after {attempt} attempt(s): shutting down, no time to retry");
            }

            this.LogRetrying(attempt, this.Target, outcome.Error, wait.TotalMilliseconds);
            OtelProfilesEventSource.Log.ExportRetrying(this.Target, (long)wait.TotalMilliseconds);
            using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(
                deadlineSource.Token, waitsAtShutdown ? CancellationToken.None : _retriesStopped.Token);
            try
            {
                await _delay(wait, waitSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return GiveUp(
                    outcome,
                    _retriesStopped.IsCancellationRequested
                        ? $"after {attempt} attempt(s): shutting down, no time to retry"
                        : $"after {attempt} attempt(s): the retry deadline passed");
            }
        }
    }

    public void StopRetrying()
    {
        try
        {
            _retriesStopped.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing retries any more.
        }
    }

    public void Dispose()
    {
        _inner.Dispose();
        _retriesStopped.Dispose();
    }

    public override string ToString() => $"Retrying({_inner})";

    private static ExportOutcome GiveUp(ExportOutcome last, string why) =>
        last with { Retryable = false, Error = $"{last.Error} (gave up {why})" };

    private TimeSpan NextWait(int attempt, ExportOutcome outcome)
    {
        if (outcome.RetryAfter is { } requested)
        {
            return requested > _policy.MaxRetryAfter ? _policy.MaxRetryAfter : requested;
        }

        return _policy.Backoff(attempt, _random);
    }

    [LoggerMessage(EventId = 18, EventName = "ExportRetrying", Level = LogLevel.Debug, Message = "Profiles export attempt {Attempt} to {Target} failed ({Error}); retrying in {DelayMs:0} ms.")]
    private partial void LogRetrying(int attempt, string target, string? error, double delayMs);
}
