namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// The profiles most tests use: service "shop" whose hot method is <see cref="HotFunction"/>, with CPU samples
/// (cpu:samples/count) and wall-clock time (wall/nanoseconds), on two threads.
/// </summary>
internal static class KnownProfiles
{
    public const string Service = "shop";
    public const string HotFunction = "Shop.Checkout.ComputeTaxes";
    public const string WarmFunction = "Shop.Catalog.Search";
    public const string AsyncFunction = "Shop.Checkout.PayAsync";
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string SpanId = "00f067aa0ba902b7";

    public static readonly string[] HotStack = ["Program.Main", "Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke", AsyncFunction, HotFunction];
    public static readonly string[] WarmStack = ["Program.Main", "Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke", WarmFunction, "System.Linq.Enumerable.Where"];
    public static readonly string[] RecursiveStack = ["Program.Main", "Shop.Tree.Walk", "Shop.Tree.Walk", "Shop.Tree.Walk"];

    /// <summary>CPU: hot 60 (40 on worker-1, 20 on worker-2), warm 30, recursion 10; wall: 5e8 ns hot, 2e8 ns warm.</summary>
    public static OtlpRequestBuilder Build(DateTimeOffset? start = null, string service = Service)
    {
        var at = start ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var builder = new OtlpRequestBuilder();
        builder.AddProfile(service, "samples", "count", at, TimeSpan.FromSeconds(15))
            .SampleWithLink(40, HotStack, (TraceId, SpanId), ("thread.name", "worker-1"), ("thread.id", "11"))
            .Sample(20, HotStack, ("thread.name", "worker-2"), ("thread.id", "12"))
            .Sample(30, WarmStack, ("thread.name", "worker-2"), ("thread.id", "12"))
            .Sample(10, RecursiveStack, ("thread.name", "worker-1"), ("thread.id", "11"));
        builder.AddProfile(service, "wall", "nanoseconds", at, TimeSpan.FromSeconds(15), "wall", "nanoseconds", 10_000_000)
            .Sample(500_000_000, HotStack, ("thread.name", "worker-1"))
            .Sample(200_000_000, WarmStack, ("thread.name", "worker-2"));
        return builder;
    }

    /// <summary>A second period where the warm function dominates instead (for diffs).</summary>
    public static OtlpRequestBuilder BuildShifted(DateTimeOffset start, string service = Service)
    {
        var builder = new OtlpRequestBuilder();
        builder.AddProfile(service, "samples", "count", start, TimeSpan.FromSeconds(15))
            .Sample(10, HotStack, ("thread.name", "worker-1"))
            .Sample(90, WarmStack, ("thread.name", "worker-2"));
        return builder;
    }
}
