using System.Globalization;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// The distribution of single GC pauses over a window: a thread reads the last collection's pause every
/// millisecond and keeps one reading per collection (by its index). A mean pause that grows can be every
/// collection a little longer or a few much longer ones (a thread late to a safe point, a preempted GC thread);
/// the percentiles tell which. Collections closer together than the polling miss their reading.
/// </summary>
internal sealed class PauseSampler
{
    private readonly List<double> _pausesUs = [];
    private readonly List<(double Seconds, double PauseUs, int Generation)> _timeline = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Thread _thread;
    private volatile bool _stop;

    public PauseSampler()
    {
        _thread = new Thread(Poll) { IsBackground = true, Name = "GcCost.PauseSampler" };
        _thread.Start();
    }

    /// <summary>Stops polling; returns <c>p50_us=.. p90_us=.. p99_us=.. max_us=.. seen=..</c>.</summary>
    public string Stop()
    {
        _stop = true;
        _thread.Join();
        var sorted = _pausesUs.Order().ToList();
        if (sorted.Count == 0)
        {
            return "seen=0";
        }

        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        // Mean gen0 pause per second of the window; a collection of an older generation shows as its generation.
        string perSecond = string.Join(' ', _timeline.GroupBy(t => (int)t.Seconds).Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"{g.Where(t => t.Generation == 0).Select(t => t.PauseUs).DefaultIfEmpty().Average():0}")
            + string.Concat(g.Where(t => t.Generation > 0).Select(t => "[gen" + t.Generation + "]"))));
        return string.Create(CultureInfo.InvariantCulture,
            $"p50_us={At(0.5):0} p90_us={At(0.9):0} p99_us={At(0.99):0} max_us={sorted[^1]:0} seen={sorted.Count} per_second_us={perSecond}");
    }

    private void Poll()
    {
        long lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        while (!_stop)
        {
            GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
            if (info.Index != lastIndex)
            {
                _timeline.Add((_clock.Elapsed.TotalSeconds, info.PauseDurations[0].TotalMicroseconds, info.Generation));
                if (info.Generation == 0)
                {
                    _pausesUs.Add(info.PauseDurations[0].TotalMicroseconds);
                }
            }

            lastIndex = info.Index;
            Thread.Sleep(1);
        }
    }
}
