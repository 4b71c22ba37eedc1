using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;
using OtelProfiles;
using Shop;

// Usage: OtelProfiles.Workload <seconds> [cpu|json|alloc|retain|lock|throw|export-faults|sockets|cpushare|lockwait|spanchurn|gcchurn] [warmup-seconds]
// Profiling settings come from OTEL_* environment variables set by the test. With a warmup (cpu and json modes), the
// workload runs that much longer and reports only what happened after it: the steady state, once the profiler's
// start (rundown, its own JIT compilation) is over; the CPU time of the warmup is reported apart.
int seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
string mode = args.Length > 1 ? args[1] : "cpu";
int warmup = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;

// The traced web app builds its own host (Kestrel, OTLP traces): TracedWebMode.cs.
if (TracedWebMode.Handles(mode))
{
    await TracedWebMode.RunAsync(seconds);
    return;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("workload-under-test"))
    .WithTracing(t => t.AddSource("Workload"))
    .AddOtlpProfiles();

using IHost host = builder.Build();
await host.StartAsync();
Console.WriteLine("WORKLOAD STARTED");

// The exporter fault suite's app (ExportFaultMode.cs): async steps measured while exports fail.
if (ExportFaultMode.Handles(mode))
{
    await ExportFaultMode.RunAsync(seconds, host);
    return;
}

// The event-based profile modes have their own known methods (EventModes.cs); cpu and json run as they always did.
if (EventModes.Handles(mode))
{
    await EventModes.RunAsync(mode, seconds, host);
    await host.StopAsync();
    GC.KeepAlive(Cache.Retained);
    return;
}

// The accuracy suite's modes (AccuracyModes.cs): known CPU shares, sleepers and waiters, lock waits.
if (AccuracyModes.Handles(mode))
{
    await AccuracyModes.RunAsync(mode, seconds, host);
    await host.StopAsync();
    return;
}

// Nothing but very short spans: span tracking over the budget (SpanChurnMode.cs).
if (SpanChurnMode.Handles(mode))
{
    await SpanChurnMode.RunAsync(seconds, host);
    await host.StopAsync();
    return;
}

// Mostly garbage collection: the longer GC pauses over the budget (GcChurnMode.cs).
if (GcChurnMode.Handles(mode))
{
    await GcChurnMode.RunAsync(seconds, host);
    return;
}

if (mode == "sockets")
{
    await SocketMode.RunAsync(seconds, host);
    await host.StopAsync();
    return;
}

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(warmup + seconds));
// Two threads in the synchronous hot method make it the top CPU function by a clear margin.
var workers = new List<Task>
{
    Task.Factory.StartNew(() => Checkout.ComputePrices(stop.Token), TaskCreationOptions.LongRunning),
    Task.Factory.StartNew(() => Checkout.ComputePrices(stop.Token), TaskCreationOptions.LongRunning),
    Task.Run(() => Checkout.PayAsync(stop.Token)),
};
if (mode == "json")
{
    workers.Add(Task.Factory.StartNew(() => Checkout.SerializeOrders(stop.Token), TaskCreationOptions.LongRunning));
}

long opsAtWarmup = 0;
TimeSpan cpuAtWarmup = TimeSpan.Zero;
if (warmup > 0)
{
    await Task.Delay(TimeSpan.FromSeconds(warmup));
    opsAtWarmup = Interlocked.Read(ref Checkout.Operations);
    cpuAtWarmup = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
}

await Task.WhenAll(workers);
// Measured before shutdown so the final export does not count as work time.
TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
Console.WriteLine(FormattableString.Invariant(
    $"WORKLOAD DONE checksum={Checkout.Checksum} ops={Checkout.Operations - opsAtWarmup} cpu_ms={(cpu - cpuAtWarmup).TotalMilliseconds:0} peak_ws_kb={PeakWorkingSetKb()} warmup_cpu_ms={cpuAtWarmup.TotalMilliseconds:0}"));
await host.StopAsync();

static long PeakWorkingSetKb()
{
    // VmHWM: the peak resident set of the process (Linux); elsewhere the current working set.
    string status = "/proc/self/status";
    if (File.Exists(status))
    {
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out long kb))
        {
            return kb;
        }
    }

    return Environment.WorkingSet / 1024;
}

namespace Shop
{
    /// <summary>Known hot methods: a synchronous CPU loop and an async method that burns CPU between awaits.</summary>
    public static class Checkout
    {
        public static double Checksum;

        /// <summary>
        /// Work done, in units of one ComputePrices round (~3 ms of CPU). A PayAsync round costs about seven of them
        /// (measured), so the total measures CPU work whichever thread the scheduler favoured: with more busy threads
        /// than cores a plain count of rounds would swing with the scheduler's split between the two methods.
        /// </summary>
        public static long Operations;

        private const int PayRoundUnits = 7;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ComputePrices(CancellationToken token)
        {
            double total = 0;
            while (!token.IsCancellationRequested)
            {
                for (int i = 1; i < 200_000; i++)
                {
                    total += Math.Sqrt(i) * Math.Sin(i);
                }

                Interlocked.Increment(ref Operations);
            }

            Checksum += total;
        }

        public static async Task PayAsync(CancellationToken token)
        {
            double total = 0;
            while (!token.IsCancellationRequested)
            {
                for (int i = 1; i < 1_000_000; i++)
                {
                    total += Math.Log(i) * Math.Cos(i);
                }

                Interlocked.Add(ref Operations, PayRoundUnits);

                // ~10 ms of work per await: enough hops to exercise the state machine, few enough that
                // thread-pool spinning stays small next to the hot methods.
                await Task.Yield();
            }

            Checksum += total;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void SerializeOrders(CancellationToken token)
        {
            var order = new Order(42, "alice", [new Line("book", 2, 12.5m), new Line("pen", 10, 1.2m)]);
            long bytes = 0;
            while (!token.IsCancellationRequested)
            {
                bytes += System.Text.Json.JsonSerializer.Serialize(order).Length;
                Interlocked.Increment(ref Operations);
            }

            Checksum += bytes;
        }
    }

    public sealed record Order(int Id, string Customer, Line[] Lines);

    public sealed record Line(string Sku, int Quantity, decimal Price);
}
