using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;
using Shop;

/// <summary>
/// The workload modes of the event-based profiles (alloc, retain, lock, throw). Each waits until the profiler runs,
/// so everything it does is observed, and prints what really happened ("TRUTH" lines) for the tests to compare.
/// </summary>
internal static class EventModes
{
    public static bool Handles(string mode) => mode is "alloc" or "retain" or "lock" or "throw";

    public static async Task RunAsync(string mode, int seconds, IHost host)
    {
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine("PROFILER NOT RUNNING");
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        string truth = mode switch
        {
            "alloc" => await Alloc(stop.Token),
            "retain" => await Retain(stop.Token),
            "lock" => await Lock(stop.Token),
            _ => await Throw(stop.Token),
        };
        Console.WriteLine(truth);
        Console.WriteLine("WORKLOAD DONE mode=" + mode);
    }

    private static async Task<string> Alloc(CancellationToken token)
    {
        Task<long> catalog = Task.Factory.StartNew(() => Inventory.BuildCatalog(400L << 20, token), TaskCreationOptions.LongRunning);
        Task labels = Task.Factory.StartNew(() => Inventory.FormatLabels(token), TaskCreationOptions.LongRunning);
        long bytes = await catalog;
        await labels;
        return Invariant($"ALLOC TRUTH method=Shop.Inventory.BuildCatalog bytes={bytes}");
    }

    private static async Task<string> Retain(CancellationToken token)
    {
        Task<long> retain = Task.Factory.StartNew(() => Cache.RetainOrders(48L << 20, token), TaskCreationOptions.LongRunning);
        Task<long> churn = Task.Factory.StartNew(() => Cache.ChurnGarbage(token), TaskCreationOptions.LongRunning);
        long retained = await retain;
        long garbage = await churn;

        // Garbage is in use until a GC finds it dead: collect, so the last in-use profile shows what is really held.
        GC.Collect();
        return Invariant($"RETAIN TRUTH retained={retained} garbage={garbage} objects={Cache.Retained.Count}");
    }

    private static async Task<string> Lock(CancellationToken token)
    {
        Task[] threads = Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(() => Ledger.Post(token), TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(threads);
        return Invariant($"LOCK TRUTH acquisitions={Ledger.Acquisitions}");
    }

    private static async Task<string> Throw(CancellationToken token)
    {
        await Task.Factory.StartNew(() => Payments.Checkout(token), TaskCreationOptions.LongRunning);
        return Invariant($"THROW TRUTH count={Payments.Declined} type={typeof(PaymentDeclinedException).FullName}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
