using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tests.Receivers;

/// <summary>What both endpoints share: the reply scripts and the log of received requests.</summary>
internal sealed class ReceiverState
{
    private readonly object gate = new();
    private readonly List<ReceivedRequest> requests = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];

    public ReplyScript GrpcReplies { get; } = new();

    public ReplyScript HttpReplies { get; } = new();

    /// <summary>Cancelled when the receiver stops, so stalled replies end.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    public IReadOnlyList<ReceivedRequest> Snapshot()
    {
        lock (this.gate)
        {
            return this.requests.ToArray();
        }
    }

    public void Record(ReceivedRequest request)
    {
        lock (this.gate)
        {
            this.requests.Add(request);
            foreach (var waiter in this.waiters.Where(w => this.requests.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                this.waiters.Remove(waiter);
            }
        }
    }

    public Task WhenCount(int count)
    {
        lock (this.gate)
        {
            if (this.requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            this.waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public static IReadOnlyDictionary<string, string> HeadersOf(HttpRequest request) =>
        request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
