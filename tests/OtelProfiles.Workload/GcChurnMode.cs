using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;

/// <summary>
/// An app whose work is mostly garbage collection: two threads replace the entries of a large array of small objects,
/// which lives in the oldest generation, so every gen0 collection scans its cards and promotes what they reach. The
/// app's collections then take a large share of its time, and the longer pauses the profiler's presence adds cost more
/// than the 1% budget holds. Prints, once the churn is over and the profiler stopped, when it started (Unix
/// nanoseconds), the collections and pause time the process counted from then on, and the extra pause the profiler's
/// metric <c>otelprofiles.gc.pause_extra.time</c> totals ("GCCHURN TRUTH").
/// </summary>
internal static class GcChurnMode
{
    public static bool Handles(string mode) => mode == "gcchurn";

    public static async Task RunAsync(int seconds, IHost host)
    {
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine("PROFILER NOT RUNNING");
        }

        var kept = new Entry[100_000];
        for (int i = 0; i < kept.Length; i++)
        {
            kept[i] = new Entry(i);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long started = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        int collectionsBefore = GC.CollectionCount(0);
        TimeSpan pausedBefore = GC.GetTotalPauseDuration();
        Task[] threads = [.. Enumerable.Range(0, 2).Select(t => Task.Factory.StartNew(
            () => GcChurn.Run(kept, t, stop.Token), TaskCreationOptions.LongRunning))];
        await Task.WhenAll(threads);

        // Stopping ends the last interval, whose figures then reach the metric.
        await host.StopAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GCCHURN TRUTH started={started} collections={GC.CollectionCount(0) - collectionsBefore} gen2={GC.CollectionCount(2)} paused_ns={(GC.GetTotalPauseDuration() - pausedBefore).Ticks * 100} gc_extra_ns={(long)(MetricTotal("otelprofiles.gc.pause_extra.time") * 1e9)}"));
        Console.WriteLine("WORKLOAD DONE mode=gcchurn");
        GC.KeepAlive(kept);
    }

    private static double MetricTotal(string instrument)
    {
        double total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == ContinuousProfiler.MeterName && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => total += value);
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }

    private sealed class Entry(long value)
    {
        public long Value = value;
        public byte[] Payload = new byte[32];
    }

    private static class GcChurn
    {
        public static byte[]? Garbage;

        // With 4,096 (2026-12-05, 2 cores): ~95 collections a second, 0.6 ms each without the profiler, few gen2 ones.
        private const int GarbagePerEntry = 4_096;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(Entry[] kept, int seed, CancellationToken token)
        {
            var random = new Random(seed);
            while (!token.IsCancellationRequested)
            {
                // Mostly short-lived garbage, and now and then a young entry in the old array for the cards to find (more
                // of those promote enough to run a gen2 collection every second or so, whose long pauses are the app's own).
                for (int i = 0; i < 1_000; i++)
                {
                    int slot = random.Next(kept.Length);
                    kept[slot] = new Entry(kept[slot].Value + 1);
                    for (int j = 0; j < GarbagePerEntry; j++)
                    {
                        Garbage = new byte[96];
                    }
                }
            }
        }
    }
}
