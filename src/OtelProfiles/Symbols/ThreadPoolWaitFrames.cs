namespace OtelProfiles.Symbols;

/// <summary>
/// The thread pool's wait-for-work frames, as profiles show them: a worker's loop between work items, its semaphore's
/// spinning and its blocking wait. A sample whose frames from the innermost one up to the worker's loop are all
/// such frames caught a worker between work items. The CPU profile moves the CPU such samples would take to the
/// thread's other samples, as it does for blocking waits (<see cref="BlockingWaitNames"/>); <c>otel-profiles</c>
/// compiles this file too, to report what is left there in a CPU profile.
/// <para>
/// Why: the runtime's sampler finds workers in these frames far more often than they run there. Measured against
/// <c>perf</c> and the kernel (bench/results/demo-cpu-vs-perf-2026-12-05.md): on the demo, perf puts 1% of the
/// workers' CPU in them and the profile put 30%; on the accuracy suite's thread-pool workload, whose work items are
/// timed by the workers' own CPU clocks, 9% of the workers' CPU ran outside the items and the profile put 31–37% in
/// these frames (6–11% with this rule). The cost of the rule: a worker's real CPU between items (spinning, going to sleep) is
/// shown on its items, unless it did nothing else in the interval. In ReadyToRun code the loop, the semaphore's wait and
/// its spinning are one frame, <c>WorkerThreadStart</c>, so they cannot be told apart there anyway.
/// </para>
/// </summary>
internal static class ThreadPoolWaitFrames
{
    // Where a worker's stack leaves the thread pool's own code for work: the loop (its dispatch call is a frame of
    // its own, ThreadPoolWorkQueue.Dispatch, and work items run under it).
    private static readonly HashSet<string> WorkerLoops = new(StringComparer.Ordinal)
    {
        "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart",
        "System.Threading.PortableThreadPool.WorkerThread.WorkerDoWork",
    };

    // What a worker calls while it has no work: the semaphore's wait, its spinning and yielding.
    private static readonly HashSet<string> WaitingForWork = new(StringComparer.Ordinal)
    {
        "System.Threading.LowLevelLifoSemaphore.Wait",
        "System.Threading.LowLevelSpinWaiter.Wait",
        "System.Threading.Thread.Yield",
        "System.Threading.Thread.YieldInternal",
        "System.Threading.Thread.UninterruptibleSleep0",
        "System.Threading.Thread.SpinWait",
        "System.Threading.Thread.SpinWaitInternal",
        "System.Threading.Thread.LongSpinWait",
    };

    /// <summary>Whether a stack, read from its innermost frame outwards, is a worker waiting for work.</summary>
    public static bool IsWaitingForWork(IEnumerable<string> namesInnermostFirst)
    {
        var scan = new Scan();
        foreach (string name in namesInnermostFirst)
        {
            if (scan.Add(name) is { } result)
            {
                return result;
            }
        }

        return false;
    }

    /// <summary>The same test fed one frame at a time, innermost first, for callers that walk a stack once.</summary>
    public struct Scan
    {
        private bool? _result;

        /// <summary>The answer once known (null while the frames so far are all wait-for-work frames).</summary>
        public readonly bool? Result => _result;

        /// <summary>Takes the next frame outwards; returns the answer once known.</summary>
        public bool? Add(string name)
        {
            if (_result is null)
            {
                if (WorkerLoops.Contains(name))
                {
                    _result = true;
                }
                else if (!WaitingForWork.Contains(name) && !BlockingWaitNames.Contains(name))
                {
                    _result = false;
                }
            }

            return _result;
        }
    }
}
