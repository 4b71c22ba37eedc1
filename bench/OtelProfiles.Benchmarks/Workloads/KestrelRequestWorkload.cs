using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// An ASP.NET Core minimal API on real Kestrel (127.0.0.1, HTTP/1.1 over loopback sockets) driven by a request
/// loop in the same process: each operation is a batch of GET /orders/{id} (price and serialize an order) and POST
/// /checkout (parse an order, price it) with several requests in flight. The mean per batch is the latency ratio.
/// </summary>
public class KestrelRequestWorkload : ProfiledWorkload
{
    private const int RequestsPerOperation = 64;
    private const int Concurrency = 8;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private HttpClient? _client;
    private byte[][] _checkoutBodies = [];

    [Benchmark]
    public async Task<long> KestrelRequests()
    {
        CountOperation();
        HttpClient client = _client!;
        long bytes = 0;
        int next = -1;
        var workers = new Task[Concurrency];
        for (int w = 0; w < Concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < RequestsPerOperation)
                {
                    using HttpResponseMessage response = i % 2 == 0
                        ? await client.GetAsync($"/orders/{i}")
                        : await client.PostAsync("/checkout", new ByteArrayContent(_checkoutBodies[i % _checkoutBodies.Length]) { Headers = { ContentType = new("application/json") } });
                    response.EnsureSuccessStatusCode();
                    byte[] body = await response.Content.ReadAsByteArrayAsync();
                    Interlocked.Add(ref bytes, body.Length);
                }
            });
        }

        await Task.WhenAll(workers);
        return bytes;
    }

    protected override IHost StartHost()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        ProfiledHost.Configure(builder);
        WebApplication app = builder.Build();
        app.MapGet("/orders/{id:int}", (int id) =>
        {
            Order order = OrderFactory.Create(id);
            return Results.Json(order with { Total = (decimal)Pricing.PriceOrder(id, lines: 4) }, Web);
        });
        app.MapPost("/checkout", async (HttpRequest request) =>
        {
            Order? order = await request.ReadFromJsonAsync<Order>(Web);
            double total = order is null ? 0 : Pricing.PriceOrder(order.Customer.Id, order.Lines.Count);
            return Results.Json(new { approved = total > 0, total }, Web);
        });
        app.Start();

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, UseProxy = false })
        {
            BaseAddress = new Uri(address),
        };
        _checkoutBodies = Enumerable.Range(0, 16).Select(i => JsonSerializer.SerializeToUtf8Bytes(OrderFactory.Create(i), Web)).ToArray();
        return app;
    }

    protected override void TearDownWorkload() => _client?.Dispose();
}
