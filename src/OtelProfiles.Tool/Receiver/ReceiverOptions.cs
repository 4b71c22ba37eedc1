using OtelProfiles.Tool.Storage;

namespace OtelProfiles.Tool.Receiver;

/// <summary>Settings of <c>otel-profiles serve</c>.</summary>
internal sealed record ReceiverOptions
{
    /// <summary>The address both listeners bind to. Loopback by default: the receiver has no authentication.</summary>
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

    /// <summary>When set, a JSON file with the listening URLs is written here once the receiver accepts requests.</summary>
    public string? ReadyFile { get; init; }

    /// <summary>Log level for ASP.NET Core and the receiver.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>The default database location: the user's local application data folder.</summary>
    public static string DefaultDatabasePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "otel-profiles", "profiles.db");
}
