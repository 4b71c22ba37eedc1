using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

/// <summary>
/// How much of the machine something other than the measured workload used while it ran ("foreign" CPU): all busy
/// CPU time (/proc/stat) minus the CPU time of the workload process and of the harness itself. The workload's CPU
/// time is read while it runs (its /proc entry is gone once it exits) and, when the runtime has reaped it, from
/// getrusage(RUSAGE_CHILDREN); the larger of the two wins. On a shared 2-core machine a neighbour's build takes throughput from whichever side of a pair it meets,
/// so rounds it disturbed are recognised and, when enough clean rounds remain, left out of the median.
/// </summary>
internal sealed class MachineLoad
{
    private const int RusageChildren = -1;
    private readonly long _busyTicks;
    private readonly TimeSpan _children;
    private readonly TimeSpan _self;
    private readonly long _started;
    private TimeSpan _watched;
    private Task? _watcher;

    private MachineLoad(long busyTicks, TimeSpan children, TimeSpan self)
    {
        _busyTicks = busyTicks;
        _children = children;
        _self = self;
        _started = Stopwatch.GetTimestamp();
    }

    public static MachineLoad Start() => new(BusyTicks(), ChildrenCpu(), Environment.CpuUsage.TotalTime);

    /// <summary>Follows the workload's CPU time every 500 ms until it exits (a fallback: cheap, so it does not disturb the run).</summary>
    public void Watch(Process process) => _watcher = Task.Run(async () =>
    {
        while (!process.HasExited)
        {
            try
            {
                process.Refresh();
                TimeSpan cpu = process.TotalProcessorTime;
                if (cpu > _watched)
                {
                    _watched = cpu;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return;
            }

            await Task.Delay(500);
        }
    });

    /// <summary>Foreign CPU since <see cref="Start"/>, as a fraction of the whole machine (0 = nobody else ran).</summary>
    public double ForeignFraction()
    {
        double wallSeconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        long busy = BusyTicks();
        if (busy < 0 || _busyTicks < 0 || wallSeconds <= 0)
        {
            return 0;
        }

        // /proc/stat counts in USER_HZ, 100 per second on Linux.
        double machineBusySeconds = (busy - _busyTicks) / 100.0;
        _watcher?.Wait(TimeSpan.FromSeconds(5));
        TimeSpan reaped = ChildrenCpu() - _children;
        double ours = ((reaped > _watched ? reaped : _watched) + (Environment.CpuUsage.TotalTime - _self)).TotalSeconds;
        return Math.Clamp((machineBusySeconds - ours) / (wallSeconds * Environment.ProcessorCount), 0, 1);
    }

    private static long BusyTicks()
    {
        try
        {
            string[] fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
            long busy = 0;
            for (int i = 1; i < fields.Length && i <= 8; i++)
            {
                if (i is not 4 and not 5)
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return busy;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return -1;
        }
    }

    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux() || GetRusage(RusageChildren, out Rusage usage) != 0)
        {
            return TimeSpan.Zero;
        }

        long microseconds = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicroseconds + usage.SystemMicroseconds;
        return TimeSpan.FromTicks(microseconds * 10);
    }

    // struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: two longs each), then 14 longs we do not read;
    // Size covers them so the call can write the whole struct.
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out Rusage usage);
}
