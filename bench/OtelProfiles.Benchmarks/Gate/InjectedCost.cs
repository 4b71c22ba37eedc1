using System.Diagnostics;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// A known cost: a thread that keeps its own CPU time at a set share of the process's CPU time while it runs. On a
/// saturated app it takes that share of the cores from the workload, on an unsaturated one it adds that share: either
/// way CPU per operation rises by about that share, as a real overhead of that size would make it.
/// </summary>
internal sealed partial class InjectedCost : IDisposable
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private readonly double _share;
    private readonly Thread _thread;
    private volatile bool _stop;

    public InjectedCost(double percent)
    {
        _share = percent / 100;
        _thread = new Thread(Burn) { IsBackground = true, Name = "Gate.InjectedCost" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Burn()
    {
        TimeSpan processAtStart = Environment.CpuUsage.TotalTime;
        long ownAtStart = ThreadCpuNanoseconds();
        while (!_stop)
        {
            double process = (Environment.CpuUsage.TotalTime - processAtStart).TotalMilliseconds * 1_000_000;
            double own = ThreadCpuNanoseconds() - ownAtStart;
            if (own < _share * process)
            {
                long until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 2000);
                while (Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(20);
                }
            }
            else
            {
                Thread.Sleep(1);
            }
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        GetClock(ThreadCpuClock, out TimeSpec now);
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int GetClock(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
