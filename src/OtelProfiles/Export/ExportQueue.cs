using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Collection;

namespace OtelProfiles.Export;

/// <summary>
/// Decouples the profiler from the network: the producer hands finished requests over without ever waiting, and
/// one dedicated profiler thread (registered in <see cref="ProfilerThreads"/>, so its work is charged to the
/// profiler and kept out of the application's profiles) sends them in order through the exporter (usually a
/// <see cref="RetryingExporter"/>). The thread sleeps until an enqueue or shutdown signals it, like
/// opentelemetry-dotnet's <c>BatchExportThreadWorker</c>. When the receiver is away the queue holds at most
/// <see cref="ExportQueueOptions.Capacity"/> requests and drops the oldest, so memory stays bounded and the newest
/// profiles win. Owns and disposes the exporter.
/// </summary>
/// <remarks>
/// Shutdown has one budget, <see cref="ExportQueueOptions.ShutdownTimeout"/>, for everything: retries stop at once
/// (each request left gets one attempt), the first failure drops the rest instead of trying them against a receiver
/// that is failing, and when the budget runs out the request in flight is cancelled and what is left is dropped.
/// </remarks>
internal sealed partial class ExportQueue : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the sending thread (it shows in debuggers and dumps).</summary>
    public const string ThreadName = "OtelProfiles.Export";

    private const string QueueFullKind = "queue full";

    // How long a send may take to notice its cancellation once shutdown's time is up, before the thread is left behind.
    private static readonly TimeSpan CancellationGrace = TimeSpan.FromMilliseconds(500);

    private readonly IProfilesExporter _exporter;
    private readonly ILogger _logger;
    private readonly ExportQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Thread _sender;

    // Cancelled when shutdown's time is up: ends the send in flight.
    private readonly CancellationTokenSource _stopping = new();

    // Everything below is guarded by gate, except the counters (read without the lock by diagnostics). The sender
    // waits on gate (Monitor) for work; Enqueue and shutdown pulse it.
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly List<FlushWaiter> _flushWaiters = [];
    private readonly FailureLogThrottle _failureLog;
    private readonly FailureLogThrottle _partialSuccessLog;
    private long _lastSequence;
    private int _failuresSinceSuccess;
    private Pending? _inFlight;
    private bool _shuttingDown;
    private bool _shutDown;

    // Set when shutdown gave up on the sender: an outcome it reports later was already counted as dropped.
    private bool _abandoned;
    private int _droppedWhileShuttingDown;
    private string? _shutdownFailure;

    private long _exportedCount;
    private long _failedCount;
    private long _droppedCount;
    private long _rejectedProfilesCount;
    private long _exportedBytes;

    /// <param name="exporter">Sends the requests; owned and disposed by the queue.</param>
    /// <param name="logger">Failures, summaries and drops.</param>
    /// <param name="options">Capacity and timeouts.</param>
    /// <param name="timeProvider">Clock of the failure-log throttle.</param>
    /// <param name="threads">The profiler's thread registry the sending thread joins; a private one when null.</param>
    public ExportQueue(
        IProfilesExporter exporter,
        ILogger logger,
        ExportQueueOptions? options = null,
        TimeProvider? timeProvider = null,
        ProfilerThreads? threads = null)
    {
        _exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? ExportQueueOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _failureLog = new FailureLogThrottle(_options.FailureLogInterval, _timeProvider);
        _partialSuccessLog = new FailureLogThrottle(_options.FailureLogInterval, _timeProvider);
        _sender = (threads ?? new ProfilerThreads()).Start(ThreadName, this.SendLoop);
    }

    /// <summary>Where requests go, for logs and diagnostics (credentials in the URL masked, never headers).</summary>
    public string Target => _exporter.Target;

    /// <summary>Requests waiting to be sent (at most <see cref="ExportQueueOptions.Capacity"/>); the one being sent not included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Requests the receiver accepted (partial successes included).</summary>
    public long ExportedCount => Interlocked.Read(ref _exportedCount);

    /// <summary>Requests given up on: a non-retryable failure, or retries exhausted.</summary>
    public long FailedCount => Interlocked.Read(ref _failedCount);

    /// <summary>Requests never sent: pushed out of a full queue, enqueued after shutdown, or left at shutdown.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    /// <summary>Serialized size (protobuf, before compression) of the requests the receiver accepted.</summary>
    public long ExportedBytes => Interlocked.Read(ref _exportedBytes);

    /// <summary>Profiles that receivers rejected inside partially successful requests.</summary>
    public long RejectedProfilesCount => Interlocked.Read(ref _rejectedProfilesCount);

    /// <summary>
    /// Queues <paramref name="request"/> without blocking. Returns false when something was dropped to make room
    /// (the oldest queued request) or when the queue is already shutting down (this request).
    /// </summary>
    public bool Enqueue(ExportProfilesServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        FailureLogDecision? queueFullLog = null;
        ExportProfilesServiceRequest? droppedRequest;
        bool refused;
        lock (_gate)
        {
            refused = _shuttingDown;
            if (refused)
            {
                droppedRequest = request;
            }
            else
            {
                droppedRequest = null;
                if (_pending.Count >= _options.Capacity)
                {
                    droppedRequest = _pending.Dequeue().Request;
                    queueFullLog = _failureLog.Record(QueueFullKind);
                    this.CompleteSettledFlushes();
                }

                _pending.Enqueue(new Pending(++_lastSequence, request));

                // Wakes the sender if it waits for work.
                Monitor.Pulse(_gate);
            }
        }

        if (droppedRequest is not null)
        {
            Interlocked.Increment(ref _droppedCount);
            ExportEvents.Dropped(this.Target, droppedRequest, refused ? "enqueued after the export queue shut down" : "the export queue is full");
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

        return droppedRequest is null;
    }

    /// <summary>
    /// Waits until every request queued before this call has been sent (or given up on or dropped). Returns false
    /// if that did not happen within <paramref name="timeout"/>; sending goes on in the background either way.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        if (this.RegisterFlush() is not { } waiter)
        {
            return true;
        }

        try
        {
            return await waiter.Completion.Task.WaitAsync(timeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            this.ForgetFlush(waiter);
            return false;
        }
    }

    /// <summary><see cref="FlushAsync"/> for a caller that blocks anyway (ForceFlush): no timer, no thread-pool hop.</summary>
    public bool Flush(TimeSpan timeout)
    {
        if (this.RegisterFlush() is not { } waiter)
        {
            return true;
        }

        if (timeout > TimeSpan.Zero && waiter.Completion.Task.Wait(timeout))
        {
            return waiter.Completion.Task.Result;
        }

        this.ForgetFlush(waiter);
        return waiter.Completion.Task.IsCompletedSuccessfully && waiter.Completion.Task.Result;
    }

    /// <summary>
    /// Shuts every queue down within one <paramref name="timeout"/> in total: all start draining at once, then each
    /// gets what is left of the shared time, and is disposed. Failures go to <paramref name="onFailure"/>.
    /// </summary>
    public static void ShutdownAll(IReadOnlyList<ExportQueue> queues, TimeSpan timeout, Action<string, Exception> onFailure)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var queue in queues)
        {
            queue.BeginShutdown();
        }

        foreach (var queue in queues)
        {
            try
            {
                queue.Shutdown(started, timeout);
                queue.Dispose();
            }
            catch (Exception ex)
            {
                onFailure("shutting the export queue down", ex);
            }
        }
    }

    /// <summary>
    /// Sends what is queued for up to <see cref="ExportQueueOptions.ShutdownTimeout"/> in total, counts what is
    /// left as dropped and disposes the exporter. Blocks; the async form exists for <c>await using</c>.
    /// </summary>
    public void Dispose()
    {
        this.Shutdown(Stopwatch.GetTimestamp(), _options.ShutdownTimeout);
        _exporter.Dispose();
        if (!_sender.IsAlive)
        {
            // A sender left behind in an exporter that ignored cancellation may still read the token.
            _stopping.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        this.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"ExportQueue({this.Target}, {this.Count}/{_options.Capacity})";

    /// <summary>
    /// Starts draining without waiting: new requests are refused, retry waits end, each queued request gets one
    /// attempt. Lets several queues drain side by side (see <see cref="ShutdownAll"/>).
    /// </summary>
    internal void BeginShutdown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            Monitor.Pulse(_gate);
        }

        _exporter.StopRetrying();
    }

    /// <summary>Drains until <paramref name="timeout"/> after <paramref name="started"/>, then cancels and drops the rest.</summary>
    private void Shutdown(long started, TimeSpan timeout)
    {
        this.BeginShutdown();
        lock (_gate)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
        }

        // The sender ends by itself once the queue is empty, so joining it is waiting for the queue to drain.
        var left = timeout - Stopwatch.GetElapsedTime(started);
        var drained = left > TimeSpan.Zero ? _sender.Join(left) : !_sender.IsAlive;
        var timedOut = false;
        if (!drained)
        {
            timedOut = true;
            _stopping.Cancel();
            _sender.Join(CancellationGrace);
        }

        List<ExportProfilesServiceRequest> leftBehind;
        int droppedEarlier;
        string? failure;
        lock (_gate)
        {
            _abandoned = true;
            leftBehind = _pending.Select(p => p.Request).ToList();
            if (_inFlight is { } current)
            {
                leftBehind.Insert(0, current.Request);
            }

            _pending.Clear();
            _inFlight = null;
            foreach (var waiter in _flushWaiters)
            {
                waiter.Completion.TrySetResult(false);
            }

            _flushWaiters.Clear();
            droppedEarlier = _droppedWhileShuttingDown;
            failure = _shutdownFailure;
        }

        Interlocked.Add(ref _droppedCount, leftBehind.Count);
        var dropped = droppedEarlier + leftBehind.Count;
        if (dropped == 0)
        {
            return;
        }

        foreach (var request in leftBehind)
        {
            ExportEvents.Dropped(this.Target, request, "not sent within the shutdown timeout");
        }

        var reason = timedOut
            ? "the shutdown timeout ran out before the receiver answered"
            : $"the receiver failed during shutdown ({failure}), so the rest was not tried";
        try
        {
            this.LogDroppedAtShutdown(dropped, this.Target, reason, Stopwatch.GetElapsedTime(started).TotalSeconds, timeout.TotalSeconds);
        }
        catch (Exception)
        {
            // Shutdown must finish whatever the log sink does.
        }
    }

    private void SendLoop()
    {
        while (this.SendNext())
        {
        }
    }

    /// <summary>
    /// Takes the next request, sends it and settles it; false when the queue is done. A frame of its own, so that no
    /// reference to a sent request stays on this thread's stack while it waits for the next one: a local of the loop
    /// would keep the last request (thousands of small objects) reachable for the whole interval, and since the GC
    /// leaves a small set of survivors in gen0, every gen0 collection of the app would mark and move it again
    /// (+130 µs per collection on the JSON workload, bench/results/gc-pauses.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool SendNext()
    {
        if (this.TakeNext() is not { } item)
        {
            return false;
        }

        ExportOutcome outcome;
        try
        {
            // The sends are asynchronous APIs; this thread exists to run them, so it waits for each one.
            outcome = _exporter.ExportAsync(item.Request, _stopping.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown's time ran out mid-send; Shutdown counts the in-flight request as dropped.
            return false;
        }
        catch (Exception ex)
        {
            // Exporters report failures as outcomes; this is a bug. Only the type: the message is not ours to vet.
            outcome = ExportOutcome.Failed("exporter error", $"Unexpected {ex.GetType().FullName} from the exporter", retryable: false);
        }

        this.Settle(item, outcome);
        return true;
    }

    /// <summary>The next request to send, waiting for one; null when shutdown has drained the queue or ran out of time.</summary>
    private Pending? TakeNext()
    {
        lock (_gate)
        {
            while (_pending.Count == 0 && !_shuttingDown)
            {
                Monitor.Wait(_gate);
            }

            if (_stopping.IsCancellationRequested || !_pending.TryDequeue(out var item))
            {
                return null;
            }

            _inFlight = item;
            return item;
        }
    }

    private void Settle(Pending item, ExportOutcome outcome)
    {
        FailureLogDecision decision = default;
        var recoveredAfter = 0;
        List<ExportProfilesServiceRequest>? failFast = null;

        // Measured outside the lock: it walks the request (once per export, on this thread, never the app's).
        long acceptedBytes = outcome.Success ? item.Request.CalculateSize() : 0;
        lock (_gate)
        {
            if (_abandoned)
            {
                return;
            }

            if (outcome.Success)
            {
                Interlocked.Add(ref _exportedBytes, acceptedBytes);
                Interlocked.Increment(ref _exportedCount);
                Interlocked.Add(ref _rejectedProfilesCount, outcome.RejectedProfiles);
                recoveredAfter = _failuresSinceSuccess;
                _failuresSinceSuccess = 0;
                _failureLog.Reset();
                if (outcome.IsPartialSuccess)
                {
                    decision = _partialSuccessLog.Record("partial success");
                }
            }
            else
            {
                Interlocked.Increment(ref _failedCount);
                _failuresSinceSuccess++;
                decision = _failureLog.Record(outcome.FailureKind ?? "error");
                if (_shuttingDown && _pending.Count > 0)
                {
                    // The app is waiting for shutdown: the next requests would meet the same receiver.
                    failFast = _pending.Select(p => p.Request).ToList();
                    _pending.Clear();
                    _droppedWhileShuttingDown += failFast.Count;
                    _shutdownFailure = outcome.FailureKind ?? "error";
                    Interlocked.Add(ref _droppedCount, failFast.Count);
                }
            }
        }

        // Logged outside the lock (a slow log sink must not block the producer), but before the request counts as
        // settled, so whoever flushed sees its outcome in the log when FlushAsync returns.
        try
        {
            ExportEvents.Settled(this.Target, item.Request, outcome);
            foreach (var request in failFast ?? [])
            {
                ExportEvents.Dropped(this.Target, request, "the receiver failed during shutdown");
            }

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

        lock (_gate)
        {
            _inFlight = null;
            this.CompleteSettledFlushes();
        }
    }

    private FlushWaiter? RegisterFlush()
    {
        lock (_gate)
        {
            var waiter = new FlushWaiter(_lastSequence);
            if (this.OldestUnsettledSequence() > waiter.LastSequence)
            {
                return null;
            }

            _flushWaiters.Add(waiter);
            return waiter;
        }
    }

    private void ForgetFlush(FlushWaiter waiter)
    {
        lock (_gate)
        {
            _flushWaiters.Remove(waiter);
        }
    }

    private long OldestUnsettledSequence() =>
        _inFlight?.Sequence ?? (_pending.TryPeek(out var next) ? next.Sequence : long.MaxValue);

    private void CompleteSettledFlushes()
    {
        var oldest = this.OldestUnsettledSequence();
        _flushWaiters.RemoveAll(waiter =>
        {
            if (waiter.LastSequence >= oldest)
            {
                return false;
            }

            waiter.Completion.TrySetResult(true);
            return true;
        });
    }

    private sealed record Pending(long Sequence, ExportProfilesServiceRequest Request);

    private sealed class FlushWaiter(long lastSequence)
    {
        public long LastSequence { get; } = lastSequence;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
