namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// The answers one endpoint gives, in order ("503 with Retry-After: 1, then 200"); once the script is used up,
/// every request gets <see cref="WhenEmpty"/>.
/// </summary>
public sealed class ReplyScript
{
    private readonly Queue<ReceiverReply> _replies = new();
    private readonly object _gate = new();
    private ReceiverReply _whenEmpty = ReceiverReply.Ok;

    /// <summary>The answer once the queued ones are used up; <see cref="ReceiverReply.Ok"/> unless set.</summary>
    public ReceiverReply WhenEmpty
    {
        get
        {
            lock (_gate)
            {
                return _whenEmpty;
            }
        }

        set
        {
            lock (_gate)
            {
                _whenEmpty = value;
            }
        }
    }

    /// <summary>Queues answers for the next requests, in order.</summary>
    public ReplyScript Then(params ReceiverReply[] next)
    {
        lock (_gate)
        {
            foreach (var reply in next)
            {
                _replies.Enqueue(reply);
            }
        }

        return this;
    }

    internal ReceiverReply Next()
    {
        lock (_gate)
        {
            return _replies.TryDequeue(out var reply) ? reply : _whenEmpty;
        }
    }
}
