using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Receiver;

/// <summary>Settings of <c>otel-profiles serve</c>.</summary>
internal sealed record ReceiverOptions
{
    /// <summary>The address both listeners bind to. Loopback by default; any other address needs <see cref="Token"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>OTLP/gRPC port (standard 4317; 0 picks a free port).</summary>
    public int GrpcPort { get; init; } = 4317;

    /// <summary>OTLP/HTTP and web UI port (standard 4318; 0 picks a free port).</summary>
    public int HttpPort { get; init; } = 4318;

    /// <summary>The SQLite database file.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>What the store keeps.</summary>
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;

    /// <summary>Largest accepted request, after decompression (both transports).</summary>
    public long MaxRequestBytes { get; init; } = 16L << 20;

    /// <summary>
    /// When set, every HTTP and gRPC request must carry <c>Authorization: Bearer &lt;token&gt;</c>; when null only
    /// loopback host names are answered (see <see cref="AccessGuard"/>).
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Export requests read and decoded at once (both transports together); more wait, then get 503 / UNAVAILABLE.</summary>
    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;

    /// <summary>How long an export request waits for a free decoding slot before it is answered 503 / UNAVAILABLE.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The default concurrency: each export in flight can hold its body, the decompressed bytes and the parsed
    /// message (a few times <see cref="MaxRequestBytes"/>), so four keep a flood of maximum-size requests near
    /// 4 x 4 x 16 MiB = 256 MiB, while small exports from many apps still pass without waiting.
    /// </summary>
    public const int DefaultMaxConcurrentRequests = 4;

    /// <summary>Test hook: SQLite's max_page_count for every connection, to make "disk full" happen on demand.</summary>
    internal long? MaxPageCount { get; init; }

    /// <summary>When set, a JSON file with the listening URLs is written here once the receiver accepts requests.</summary>
    public string? ReadyFile { get; init; }

    /// <summary>Log level for ASP.NET Core and the receiver.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>The default database location: the user's local application data folder.</summary>
    public static string DefaultDatabasePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "otel-profiles", "profiles.db");
}
