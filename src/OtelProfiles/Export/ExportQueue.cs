using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Export;

/// <summary>
/// Decouples the profiler from the network: the producer hands finished requests over without ever waiting, one
/// background task sends them in order through the exporter (usually a <see cref="RetryingExporter"/>). When the
/// receiver is away the queue holds at most <see cref="ExportQueueOptions.Capacity"/> requests and drops the oldest,
/// so memory stays bounded and the newest profiles win. Owns and disposes the exporter.
/// </summary>
internal sealed partial class ExportQueue : IAsyncDisposable
{
    private const string QueueFullKind = "queue full";

    private readonly IProfilesExporter exporter;
    private readonly ILogger logger;
    private readonly ExportQueueOptions options;
    private readonly TimeProvider timeProvider;

    // Everything below is guarded by gate, except the counters (read without the lock by diagnostics).
    private readonly object gate = new();
    private readonly Queue<Pending> pending = new();
    private readonly List<FlushWaiter> flushWaiters = [];
    private readonly FailureLogThrottle failureLog;
    private readonly FailureLogThrottle partialSuccessLog;
    private long lastSequence;
    private int failuresSinceSuccess;
    private Pending? inFlight;
    private bool disposed;

    private readonly SemaphoreSlim itemsAvailable = new(0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task sender;

    private long exportedCount;
    private long failedCount;
    private long droppedCount;
    private long rejectedProfilesCount;

    public ExportQueue(IProfilesExporter exporter, ILogger logger, ExportQueueOptions? options = null, TimeProvider? timeProvider = null)
    {
        this.exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        this.options = options ?? ExportQueueOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.Capacity, 1, nameof(options));
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.failureLog = new FailureLogThrottle(this.options.FailureLogInterval, this.timeProvider);
        this.partialSuccessLog = new FailureLogThrottle(this.options.FailureLogInterval, this.timeProvider);
        this.sender = Task.Run(this.SendLoopAsync);
    }

    /// <summary>Where requests go, for logs and diagnostics (never headers).</summary>
    public string Target => this.exporter.Target;

    /// <summary>Requests waiting to be sent (at most <see cref="ExportQueueOptions.Capacity"/>); the one being sent not included.</summary>
    public int Count
    {
        get
        {
            lock (this.gate)
            {
                return this.pending.Count;
            }
        }
    }

    /// <summary>Requests the receiver accepted (partial successes included).</summary>
    public long ExportedCount => Interlocked.Read(ref this.exportedCount);

    /// <summary>Requests given up on: a non-retryable failure, or retries exhausted.</summary>
    public long FailedCount => Interlocked.Read(ref this.failedCount);

    /// <summary>Requests never sent: pushed out of a full queue, or still queued when shutdown's time ran out.</summary>
    public long DroppedCount => Interlocked.Read(ref this.droppedCount);

    /// <summary>Profiles that receivers rejected inside partially successful requests.</summary>
    public long RejectedProfilesCount => Interlocked.Read(ref this.rejectedProfilesCount);

    /// <summary>
    /// Queues <paramref name="request"/> without blocking. Returns false when something was dropped to make room
    /// (the oldest queued request) or when the queue is already disposed (this request).
    /// </summary>
    public bool Enqueue(ExportProfilesServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        FailureLogDecision? queueFullLog = null;
        lock (this.gate)
        {
            if (this.disposed)
            {
                Interlocked.Increment(ref this.droppedCount);
                return false;
            }

            if (this.pending.Count >= this.options.Capacity)
            {
                this.pending.Dequeue();
                Interlocked.Increment(ref this.droppedCount);
                queueFullLog = this.failureLog.Record(QueueFullKind);
                this.CompleteSettledFlushes();
            }

            this.pending.Enqueue(new Pending(++this.lastSequence, request));
        }

        // One pending signal is enough to wake the sender, which then drains everything queued.
        if (this.itemsAvailable.CurrentCount == 0)
        {
            this.itemsAvailable.Release();
        }

        if (queueFullLog is { } decision)
        {
            try
            {
                this.LogQueueFull(decision);
            }
            catch (Exception)
            {
                // The producer is the profiler: a broken log sink must not reach it.
            }
        }

        return queueFullLog is null;
    }

    /// <summary>
    /// Waits until every request queued before this call has been sent (or given up on or dropped). Returns false
    /// if that did not happen within <paramref name="timeout"/>; sending goes on in the background either way.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        FlushWaiter waiter;
        lock (this.gate)
        {
            waiter = new FlushWaiter(this.lastSequence);
            if (this.OldestUnsettledSequence() > waiter.LastSequence)
            {
                return true;
            }

            this.flushWaiters.Add(waiter);
        }

        try
        {
            return await waiter.Completion.Task.WaitAsync(timeout, this.timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (this.gate)
            {
                this.flushWaiters.Remove(waiter);
            }

            return false;
        }
    }

    /// <summary>
    /// Sends what is queued for up to <see cref="ExportQueueOptions.ShutdownTimeout"/>, then stops the sender,
    /// counts what is left as dropped and disposes the exporter.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (this.gate)
        {
            if (this.disposed)
            {
                return;
            }

            this.disposed = true;
        }

        await this.FlushAsync(this.options.ShutdownTimeout).ConfigureAwait(false);
        await this.stopping.CancelAsync().ConfigureAwait(false);
        await this.sender.ConfigureAwait(false);

        int left;
        lock (this.gate)
        {
            left = this.pending.Count + (this.inFlight is null ? 0 : 1);
            this.pending.Clear();
            this.inFlight = null;
            Interlocked.Add(ref this.droppedCount, left);
            foreach (var waiter in this.flushWaiters)
            {
                waiter.Completion.TrySetResult(false);
            }

            this.flushWaiters.Clear();
        }

        if (left > 0)
        {
            this.LogDroppedAtShutdown(left, this.Target, this.options.ShutdownTimeout.TotalSeconds);
        }

        // The semaphore is not disposed: a producer racing with shutdown may still touch it, and it holds no handle.
        this.exporter.Dispose();
        this.stopping.Dispose();
    }

    public override string ToString() => $"ExportQueue({this.Target}, {this.Count}/{this.options.Capacity})";

    private async Task SendLoopAsync()
    {
        var stop = this.stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            Pending? item;
            lock (this.gate)
            {
                this.pending.TryDequeue(out item);
                this.inFlight = item;
            }

            if (item is null)
            {
                try
                {
                    await this.itemsAvailable.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            ExportOutcome outcome;
            try
            {
                outcome = await this.exporter.ExportAsync(item.Request, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Shutdown's time ran out mid-send; DisposeAsync counts the in-flight request as dropped.
                return;
            }
            catch (Exception ex)
            {
                // Exporters report failures as outcomes; this is a bug. Only the type: the message is not ours to vet.
                outcome = ExportOutcome.Failed("exporter error", $"Unexpected {ex.GetType().FullName} from the exporter", retryable: false);
            }

            this.Settle(outcome);
        }
    }

    private void Settle(ExportOutcome outcome)
    {
        FailureLogDecision decision = default;
        var recoveredAfter = 0;
        lock (this.gate)
        {
            if (outcome.Success)
            {
                Interlocked.Increment(ref this.exportedCount);
                Interlocked.Add(ref this.rejectedProfilesCount, outcome.RejectedProfiles);
                recoveredAfter = this.failuresSinceSuccess;
                this.failuresSinceSuccess = 0;
                this.failureLog.Reset();
                if (outcome.IsPartialSuccess)
                {
                    decision = this.partialSuccessLog.Record("partial success");
                }
            }
            else
            {
                Interlocked.Increment(ref this.failedCount);
                this.failuresSinceSuccess++;
                decision = this.failureLog.Record(outcome.FailureKind ?? "error");
            }
        }

        // Logged outside the lock (a slow log sink must not block the producer), but before the request counts as
        // settled, so whoever flushed sees its outcome in the log when FlushAsync returns.
        try
        {
            if (recoveredAfter > 0)
            {
                this.LogRecovered(this.Target, recoveredAfter);
            }

            if (outcome.IsPartialSuccess)
            {
                this.LogPartialSuccess(outcome, decision);
            }
            else if (!outcome.Success)
            {
                this.LogFailure(outcome, decision);
            }
        }
        catch (Exception)
        {
            // A broken log sink must not stop the sender; the counters still tell the story.
        }

        lock (this.gate)
        {
            this.inFlight = null;
            this.CompleteSettledFlushes();
        }
    }

    private long OldestUnsettledSequence() =>
        this.inFlight?.Sequence ?? (this.pending.TryPeek(out var next) ? next.Sequence : long.MaxValue);

    private void CompleteSettledFlushes()
    {
        var oldest = this.OldestUnsettledSequence();
        this.flushWaiters.RemoveAll(waiter =>
        {
            if (waiter.LastSequence >= oldest)
            {
                return false;
            }

            waiter.Completion.TrySetResult(true);
            return true;
        });
    }

    private void LogFailure(ExportOutcome outcome, FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstFailure(this.Target, outcome.Error, this.options.FailureLogInterval.TotalMinutes);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedFailure(this.Target, decision.Occurrences, outcome.FailureKind, decision.SinceLastLogged.TotalMinutes, outcome.Error);
                break;
        }
    }

    private void LogPartialSuccess(ExportOutcome outcome, FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstPartialSuccess(this.Target, outcome.RejectedProfiles, outcome.PartialSuccessMessage);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedPartialSuccess(this.Target, decision.Occurrences, decision.SinceLastLogged.TotalMinutes, outcome.RejectedProfiles, outcome.PartialSuccessMessage);
                break;
        }
    }

    private void LogQueueFull(FailureLogDecision decision)
    {
        switch (decision.Action)
        {
            case FailureLogAction.LogFirst:
                this.LogFirstQueueFull(this.Target, this.options.Capacity);
                break;
            case FailureLogAction.LogSummary:
                this.LogRepeatedQueueFull(this.Target, decision.Occurrences, decision.SinceLastLogged.TotalMinutes);
                break;
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Profiles export to {Target} failed: {Error}. Repeats of this failure are summarised every {IntervalMinutes:0.#} min.")]
    private partial void LogFirstFailure(string target, string? error, double intervalMinutes);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Profiles export to {Target} failed {Count} times ({Kind}) in the last {Minutes:0.#} min; latest: {Error}")]
    private partial void LogRepeatedFailure(string target, int count, string? kind, double minutes, string? error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Profiles export to {Target} works again after {Failures} failure(s).")]
    private partial void LogRecovered(string target, int failures);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Profiles export to {Target} partially succeeded: the receiver rejected {RejectedProfiles} profile(s): {Message}")]
    private partial void LogFirstPartialSuccess(string target, long rejectedProfiles, string? message);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Profiles export to {Target} partially succeeded {Count} times in the last {Minutes:0.#} min; latest: {RejectedProfiles} profile(s) rejected: {Message}")]
    private partial void LogRepeatedPartialSuccess(string target, int count, double minutes, long rejectedProfiles, string? message);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Profiles export queue for {Target} is full ({Capacity} requests): dropping the oldest. Repeats are summarised.")]
    private partial void LogFirstQueueFull(string target, int capacity);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Profiles export queue for {Target} dropped {Count} more request(s) in the last {Minutes:0.#} min.")]
    private partial void LogRepeatedQueueFull(string target, int count, double minutes);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "{Count} profiles export request(s) to {Target} were not sent within the shutdown timeout of {TimeoutSeconds:0.#} s and are dropped.")]
    private partial void LogDroppedAtShutdown(int count, string target, double timeoutSeconds);

    private sealed record Pending(long Sequence, ExportProfilesServiceRequest Request);

    private sealed class FlushWaiter(long lastSequence)
    {
        public long LastSequence { get; } = lastSequence;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
