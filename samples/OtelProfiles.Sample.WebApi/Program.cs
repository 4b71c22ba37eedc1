using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtelProfiles;
using Shop;

// The Shop sample: traces, metrics, logs and profiles from one OpenTelemetry setup.
//   dotnet run                         serve on the URLs in launch settings / ASPNETCORE_URLS
//   dotnet run -- --self-load 20       serve, drive 20 s of requests against itself, export, exit
// Profiles go where OTEL_EXPORTER_OTLP_ENDPOINT points (an OpenTelemetry Collector, Grafana Pyroscope, or
// `otel-profiles serve`). With no endpoint configured they go to files under ./profiles instead, so the sample
// needs no server at all.
var builder = WebApplication.CreateBuilder(args);
int selfLoadSeconds = SelfLoad.SecondsFrom(args);
bool hasSharedEndpoint = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
bool hasCollector = hasSharedEndpoint || !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"]);

// Without a shared endpoint (the demo gives only the receiver's profiles and traces URLs, since `otel-profiles serve`
// takes no metrics or logs) traces alone are exported, rather than metrics and logs to a localhost:4317 that is not there.
bool tracesOnly = !hasSharedEndpoint && !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

var openTelemetry = builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("shop-sample", serviceVersion: "1.0.0"))
    .WithTracing(tracing =>
    {
        tracing.AddAspNetCoreInstrumentation().AddSource(ShopTelemetry.Source.Name);
        if (tracesOnly)
        {
            tracing.AddOtlpExporter();
        }
    })
    .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(ShopTelemetry.Meter.Name))
    .WithLogging()
    .AddOtlpProfiles(options =>
    {
        if (!hasCollector)
        {
            options.Exporters = ProfileExporters.File;
        }
    });
if (hasSharedEndpoint || (hasCollector && !tracesOnly))
{
    openTelemetry.UseOtlpExporter();
}

var app = builder.Build();
app.MapGet("/", () => "Shop sample: try /prices, /checkout, /orders");
app.MapGet("/prices", (int? count) => Results.Ok(Catalog.ComputePrices(count ?? 20_000)));
app.MapGet("/checkout", async (ILogger<Program> logger) => Results.Ok(await Payments.CheckoutAsync(logger)));
app.MapGet("/orders", (string? coupon) => Results.Ok(Orders.Recent(50, coupon)));

if (selfLoadSeconds <= 0)
{
    app.Run();
    return;
}

await app.StartAsync();
string baseUrl = app.Urls.First();
Console.WriteLine($"Shop sample listening on {baseUrl}; driving load for {selfLoadSeconds} s ...");
long requests = await SelfLoad.RunAsync(baseUrl, TimeSpan.FromSeconds(selfLoadSeconds));
Console.WriteLine($"Sent {requests} requests.");
var profiler = app.Services.GetRequiredService<ContinuousProfiler>();
profiler.ForceFlush();
await app.StopAsync();
Console.WriteLine(hasCollector
    ? "Profiles were exported to " + (builder.Configuration["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
    : "Profiles were written to " + Path.GetFullPath("profiles"));

namespace Shop
{
    internal static class ShopTelemetry
    {
        public static readonly ActivitySource Source = new("Shop");
        public static readonly Meter Meter = new("Shop");
        public static readonly Counter<long> Checkouts = Meter.CreateCounter<long>("shop.checkouts");
    }

    /// <summary>CPU-bound, synchronous: the top CPU function under load.</summary>
    public static class Catalog
    {
        public static decimal ComputePrices(int count)
        {
            decimal total = 0;
            for (int sku = 1; sku < count; sku++)
            {
                total += Pricing.ListPrice(sku);
            }

            return total;
        }
    }

    /// <summary>
    /// The money and risk arithmetic behind the two CPU-heavy endpoints: decimal prices and a simulated risk score,
    /// managed code as such code is. (A loop of nothing but <c>Math.Sin</c> calls would be sampled badly: see
    /// "Where a sample lands" in docs/profile-types.md.)
    /// </summary>
    public static class Pricing
    {
        private static readonly decimal[] TierDiscounts = [0.005m, 0.010m, 0.015m];

        public static decimal ListPrice(int sku)
        {
            decimal price = 9.99m + ((sku % 500) * 0.25m);
            foreach (decimal discount in TierDiscounts)
            {
                price = decimal.Round((price * (1m - discount)) + 0.01m, 2);
            }

            return price;
        }

        public static double LineRisk(Random random)
        {
            double risk = 0;
            for (int scenario = 0; scenario < 10; scenario++)
            {
                risk += random.NextDouble() - 0.49;
            }

            return risk;
        }
    }

    /// <summary>Async with CPU between awaits: shows as Shop.Payments.CheckoutAsync, not as a state machine.</summary>
    public static class Payments
    {
        public static async Task<string> CheckoutAsync(ILogger logger)
        {
            using Activity? activity = ShopTelemetry.Source.StartActivity("checkout");
            var random = new Random(Environment.CurrentManagedThreadId);
            double risk = 0;
            for (int round = 0; round < 3; round++)
            {
                for (int line = 1; line < 5_000; line++)
                {
                    risk += Pricing.LineRisk(random);
                }

                await Task.Yield();
            }

            Inventory.Reserve(risk);
            ShopTelemetry.Checkouts.Add(1);
            logger.LogInformation("Checkout scored {Risk}", risk);
            return risk > 0 ? "approved" : "declined";
        }
    }

    /// <summary>One shared stock ledger behind a lock: concurrent checkouts wait for it (the lock profile).</summary>
    public static class Inventory
    {
        private static readonly object Ledger = new();
        private static double _reserved;

        public static void Reserve(double amount)
        {
            lock (Ledger)
            {
                // A short critical section: enough for four concurrent checkouts to meet here now and then.
                for (int i = 1; i < 4_000; i++)
                {
                    _reserved += Math.Sqrt(i) * 1e-9 + amount * 1e-12;
                }
            }
        }
    }

    /// <summary>Allocation and serialization heavy (System.Text.Json, precompiled framework code).</summary>
    public static class Orders
    {
        // The last orders served stay alive (bounded), so the in-use memory profile has a live set to show.
        private static readonly System.Collections.Concurrent.ConcurrentQueue<Order> History = new();
        private const int HistoryLimit = 20_000;
        private static long _served;

        public static IReadOnlyList<Order> Recent(int count, string? coupon = null)
        {
            // Every eighth request carries a code the parser rejects.
            decimal discount = Coupons.Discount(coupon ?? (Interlocked.Increment(ref _served) % 8 == 0 ? "SPRING-0" : "SPRING-10"));
            List<Order> orders = Enumerable.Range(1, count)
                .Select(i => new Order(i, "customer-" + i, [new OrderLine("sku-" + i, i % 5 + 1, (9.99m * i) - discount)])).ToList();
            foreach (Order order in orders)
            {
                History.Enqueue(order);
            }

            while (History.Count > HistoryLimit && History.TryDequeue(out _))
            {
            }

            return orders;
        }
    }

    /// <summary>Parses coupon codes; a malformed one throws and is caught (the exception profile), as real parsers do.</summary>
    public static class Coupons
    {
        public static decimal Discount(string code)
        {
            try
            {
                // "SPRING-<percent>": a code whose suffix is not a number is rejected by the parser.
                string percent = code[(code.IndexOf('-') + 1)..];
                return percent == "0" ? throw new FormatException("coupon code without a discount") : decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture) / 100m;
            }
            catch (FormatException)
            {
                return 0m;
            }
        }
    }

    public sealed record Order(int Id, string Customer, OrderLine[] Lines);

    public sealed record OrderLine(string Sku, int Quantity, decimal Price);

    /// <summary>Drives requests against the app itself so the demo has something to profile.</summary>
    internal static class SelfLoad
    {
        public static int SecondsFrom(string[] args)
        {
            int index = Array.IndexOf(args, "--self-load");
            return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out int seconds) ? seconds : 0;
        }

        public static async Task<long> RunAsync(string baseUrl, TimeSpan duration)
        {
            using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
            using var stop = new CancellationTokenSource(duration);
            long sent = 0;
            string[] paths = ["/prices", "/checkout", "/orders", "/prices"];
            var workers = Enumerable.Range(0, 4).Select(async worker =>
            {
                int i = worker;
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using HttpResponseMessage response = await client.GetAsync(paths[i++ % paths.Length], stop.Token);
                        Interlocked.Increment(ref sent);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });
            await Task.WhenAll(workers);
            return sent;
        }
    }
}
