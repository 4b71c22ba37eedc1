using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tests.Receivers;

/// <summary>What both endpoints share: the reply scripts and the log of received requests.</summary>
internal sealed class ReceiverState
{
    private readonly object _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public ReplyScript GrpcReplies { get; } = new();

    public ReplyScript HttpReplies { get; } = new();

    /// <summary>Cancelled when the receiver stops, so stalled replies end.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    public IReadOnlyList<ReceivedRequest> Snapshot()
    {
        lock (_gate)
        {
            return _requests.ToArray();
        }
    }

    public void Record(ReceivedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public Task WhenCount(int count)
    {
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public static IReadOnlyDictionary<string, string> HeadersOf(HttpRequest request) =>
        request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
