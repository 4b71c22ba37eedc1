namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// The answers one endpoint gives, in order ("503 with Retry-After: 1, then 200"); once the script is used up,
/// every request gets <see cref="WhenEmpty"/>.
/// </summary>
public sealed class ReplyScript
{
    private readonly Queue<ReceiverReply> replies = new();
    private readonly object gate = new();
    private ReceiverReply whenEmpty = ReceiverReply.Ok;

    /// <summary>The answer once the queued ones are used up; <see cref="ReceiverReply.Ok"/> unless set.</summary>
    public ReceiverReply WhenEmpty
    {
        get
        {
            lock (this.gate)
            {
                return this.whenEmpty;
            }
        }

        set
        {
            lock (this.gate)
            {
                this.whenEmpty = value;
            }
        }
    }

    /// <summary>Queues answers for the next requests, in order.</summary>
    public ReplyScript Then(params ReceiverReply[] next)
    {
        lock (this.gate)
        {
            foreach (var reply in next)
            {
                this.replies.Enqueue(reply);
            }
        }

        return this;
    }

    internal ReceiverReply Next()
    {
        lock (this.gate)
        {
            return this.replies.TryDequeue(out var reply) ? reply : this.whenEmpty;
        }
    }
}
