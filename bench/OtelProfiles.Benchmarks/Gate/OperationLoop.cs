namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// A workload's operation called back to back on a thread of its own, from construction to <see cref="Dispose"/>, so
/// the app's load never stops while a paired-process gate starts and stops the profiler and measures phases.
/// Snapshots are taken by the loop itself between two operations, so a phase always holds whole operations.
/// </summary>
internal sealed class OperationLoop : IDisposable
{
    private readonly Action _operation;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _operations;
    private TaskCompletionSource<(PhaseSnapshot Snapshot, long Operations)>? _request;

    public OperationLoop(Action operation)
    {
        _operation = operation;
        _thread = new Thread(Run) { IsBackground = true, Name = "Gate.Workload" };
        _thread.Start();
    }

    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>The process's counters and the operations done so far, when the operation in progress ends.</summary>
    public (PhaseSnapshot Snapshot, long Operations) SnapshotBetweenOperations()
    {
        var request = new TaskCompletionSource<(PhaseSnapshot, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _request, request);
        return request.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stop)
        {
            _operation();
            long done = Interlocked.Increment(ref _operations);
            if (Interlocked.Exchange(ref _request, null) is { } request)
            {
                request.SetResult((PhaseSnapshot.Take(), done));
            }
        }
    }
}
