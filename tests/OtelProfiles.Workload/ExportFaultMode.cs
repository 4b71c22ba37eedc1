using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;

/// <summary>
/// The "export-faults" mode: an app whose work is many short async steps on the thread pool (what an exporter that
/// blocks pool threads would stall), measured while the profiler exports to whatever receiver the test points it at.
/// Prints its throughput, its longest stall, its managed memory after warm-up and at the end, how long the host took
/// to stop, and what the profiler's EventSource reported ("FAULTS" lines).
/// </summary>
internal static class ExportFaultMode
{
    private const int Loops = 4;

    public static bool Handles(string mode) => mode == "export-faults";

    public static async Task RunAsync(int seconds, IHost host)
    {
        using var events = new CountingListener();
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine("PROFILER NOT RUNNING");
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var steps = new long[Loops];
        var longestGaps = new double[Loops];
        var loops = Enumerable.Range(0, Loops).Select(i => Task.Run(() => StepAsync(i, steps, longestGaps, stop.Token))).ToList();

        // Memory once the first exports (and their failures) have happened, and again at the end.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, seconds / 3.0)));
        long managedAfterWarmup = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetAfterWarmup = Environment.WorkingSet;
        await Task.WhenAll(loops);
        long managedAtEnd = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetAtEnd = Environment.WorkingSet;

        var stopping = Stopwatch.StartNew();
        await host.StopAsync();
        stopping.Stop();

        Console.WriteLine(FormattableString.Invariant(
            $"FAULTS steps={steps.Sum()} longest_stall_ms={longestGaps.Max():0} managed_kb_warm={managedAfterWarmup / 1024} managed_kb_end={managedAtEnd / 1024} ws_kb_warm={workingSetAfterWarmup / 1024} ws_kb_end={workingSetAtEnd / 1024} stop_ms={stopping.Elapsed.TotalMilliseconds:0}"));
        Console.WriteLine("FAULTS events " + events.Describe());
        Console.WriteLine("WORKLOAD DONE mode=export-faults");
    }

    private static async Task StepAsync(int loop, long[] steps, double[] longestGaps, CancellationToken token)
    {
        var since = Stopwatch.StartNew();
        double checksum = 0;
        while (!token.IsCancellationRequested)
        {
            for (int i = 1; i < 20_000; i++)
            {
                checksum += Math.Sqrt(i);
            }

            await Task.Delay(5, CancellationToken.None);
            longestGaps[loop] = Math.Max(longestGaps[loop], since.Elapsed.TotalMilliseconds);
            since.Restart();
            steps[loop]++;
        }

        GC.KeepAlive(checksum);
    }

    /// <summary>Counts the profiler's events by name, and adds up the dropped requests and samples they report.</summary>
    private sealed class CountingListener : EventListener
    {
        private readonly ConcurrentDictionary<string, long> _counts = new();
        private long _requestsDropped;
        private long _samplesDropped;

        public string Describe() =>
            string.Join(" ", _counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))
            + FormattableString.Invariant($" requests_dropped={Interlocked.Read(ref _requestsDropped)} samples_dropped={Interlocked.Read(ref _samplesDropped)}");

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "OpenTelemetry-Profiles")
            {
                this.EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || _counts is null)
            {
                return;
            }

            _counts.AddOrUpdate(e.EventName, 1, (_, n) => n + 1);
            if (e.EventName == "QueueDropped")
            {
                Interlocked.Add(ref _requestsDropped, Convert.ToInt64(e.Payload![1], CultureInfo.InvariantCulture));
            }
            else if (e.EventName == "SamplesDropped")
            {
                Interlocked.Add(ref _samplesDropped, Convert.ToInt64(e.Payload![0], CultureInfo.InvariantCulture));
            }
        }
    }
}
