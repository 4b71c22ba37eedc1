namespace OtelProfiles;

/// <summary>
/// The OTLP transport used to send profiles (<c>OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL</c> /
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>). OTLP/JSON (<c>http/json</c>) is not supported.
/// </summary>
public enum OtlpProfilesProtocol
{
    /// <summary>OTLP over gRPC (<c>grpc</c>), by default to <c>http://localhost:4317</c>.</summary>
    Grpc = 0,

    /// <summary>
    /// OTLP over HTTP with binary protobuf bodies (<c>http/protobuf</c>), by default to
    /// <c>http://localhost:4318/v1development/profiles</c>.
    /// </summary>
    HttpProtobuf = 1,
}
