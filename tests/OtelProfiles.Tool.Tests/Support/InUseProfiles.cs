namespace OtelProfiles.Tool.Tests.Support;

/// <summary>
/// In-use memory as the library sends it: each export carries a snapshot (memory:inuse_space/bytes) of what is alive
/// at its end, here a steady cache plus a leak that grows, with a CPU profile of the same interval beside it.
/// </summary>
internal static class InUseProfiles
{
    public const string Service = "leaky";
    public const string Type = "memory:inuse_space/bytes";
    public const string LeakFunction = "Leaky.SessionCache.Add";
    public const string SteadyFunction = "Leaky.Catalog.Load";

    public static readonly string[] LeakStack = ["Program.Main", "Leaky.Handler.Invoke", LeakFunction];
    public static readonly string[] SteadyStack = ["Program.Main", "Leaky.Startup.Run", SteadyFunction];

    /// <summary>One export: a snapshot holding <paramref name="steadyBytes"/> + <paramref name="leakBytes"/>, and 10 CPU samples.</summary>
    public static OtlpRequestBuilder Snapshot(DateTimeOffset start, long steadyBytes, long leakBytes, TimeSpan? duration = null)
    {
        var builder = new OtlpRequestBuilder();
        var interval = duration ?? TimeSpan.FromSeconds(60);
        builder.AddProfile(Service, "inuse_space", "bytes", start, interval, "memory", "bytes", 512 * 1024)
            .Sample(steadyBytes, SteadyStack, ("thread.name", "main"))
            .Sample(leakBytes, LeakStack, ("thread.name", "worker-1"));
        builder.AddProfile(Service, "samples", "count", start, interval)
            .Sample(10, LeakStack, ("thread.name", "worker-1"));
        return builder;
    }
}
