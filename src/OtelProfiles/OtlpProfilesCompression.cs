namespace OtelProfiles;

/// <summary>
/// Compression of export requests (<c>OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION</c> /
/// <c>OTEL_EXPORTER_OTLP_COMPRESSION</c>: <c>gzip</c> or <c>none</c>).
/// </summary>
public enum OtlpProfilesCompression
{
    /// <summary>Requests are sent uncompressed (<c>none</c>).</summary>
    None = 0,

    /// <summary>Requests are gzip-compressed (<c>gzip</c>); the default for profiles.</summary>
    Gzip = 1,
}
