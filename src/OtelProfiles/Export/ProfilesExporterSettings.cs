using System.Text;
using OtelProfiles.Configuration;

namespace OtelProfiles.Export;

/// <summary>
/// Everything <see cref="ProfilesExporterFactory"/> needs, already resolved from options and environment by the
/// configuration code (which also computes the HTTP URL from a generic endpoint).
/// </summary>
internal sealed record ProfilesExporterSettings
{
    public required ProfilesExportProtocol Protocol { get; init; }

    /// <summary>
    /// gRPC: the receiver's base address (<c>http://localhost:4317</c>). HTTP: the full URL to POST to
    /// (<c>http://localhost:4318/v1development/profiles</c>). Unused for <see cref="ProfilesExportProtocol.File"/>.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Sent with every request; the values are secrets and are never printed.</summary>
    public IEnumerable<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Time limit of each attempt (OTEL_EXPORTER_OTLP_TIMEOUT, default 10 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>gzip request bodies (OTEL_EXPORTER_OTLP_COMPRESSION=gzip).</summary>
    public bool Compression { get; init; }

    /// <summary>The directory for <see cref="ProfilesExportProtocol.File"/>.</summary>
    public string? FileDirectory { get; init; }

    /// <summary>For <see cref="ProfilesExportProtocol.File"/>: keep at most this many files (zero or less: all).</summary>
    public int MaxFiles { get; init; } = FileProfilesExporter.DefaultMaxFiles;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    public ExportQueueOptions Queue { get; init; } = ExportQueueOptions.Default;

    // Records print every property; Headers must show names only.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Protocol = ").Append(this.Protocol)
            .Append(", Endpoint = ").Append(this.Endpoint is null ? null : Redaction.Url(this.Endpoint))
            .Append(", Headers = [").AppendJoin(", ", this.Headers.Select(header => $"{header.Key}=***")).Append(']')
            .Append(", Timeout = ").Append(this.Timeout)
            .Append(", Compression = ").Append(this.Compression)
            .Append(", FileDirectory = ").Append(this.FileDirectory)
            .Append(", MaxFiles = ").Append(this.MaxFiles);
        return true;
    }
}
