using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;

/// <summary>
/// An app whose work is nothing but very short spans: two threads start a span, do about a microsecond of work in a
/// known method (<c>SpanChurn.TinyRequest</c>) and end it, over and over. Keeping span links current then costs far
/// more than the 1% budget, which the profiler must notice and answer by turning the links off rather than by
/// never sampling again. Prints when the churn started (Unix nanoseconds) and how many spans it made ("SPANCHURN TRUTH").
/// </summary>
internal static class SpanChurnMode
{
    private static readonly ActivitySource Source = new("Workload");

    public static bool Handles(string mode) => mode == "spanchurn";

    public static async Task RunAsync(int seconds, IHost host)
    {
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine("PROFILER NOT RUNNING");
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long started = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long spans = 0;
        Task[] threads = [.. Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () => Interlocked.Add(ref spans, SpanChurn.Run(stop.Token)), TaskCreationOptions.LongRunning))];
        await Task.WhenAll(threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SPANCHURN TRUTH started={started} spans={spans}"));
        Console.WriteLine("WORKLOAD DONE mode=spanchurn");
    }

    private static class SpanChurn
    {
        public static long Run(CancellationToken token)
        {
            long spans = 0;
            double sink = 0;
            while (!token.IsCancellationRequested)
            {
                using (Source.StartActivity("tiny"))
                {
                    sink += TinyRequest(spans);
                }

                spans++;
            }

            GC.KeepAlive(sink);
            return spans;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static double TinyRequest(long seed)
        {
            double x = seed;
            for (int i = 0; i < 300; i++)
            {
                x = (x * 1.000001) + 0.5;
            }

            return x;
        }
    }
}
