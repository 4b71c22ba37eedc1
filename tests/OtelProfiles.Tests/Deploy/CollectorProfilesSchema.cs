namespace OtelProfiles.Tests.Deploy;

/// <summary>
/// What the OpenTelemetry Collector accepts in a configuration with a profiles pipeline, as its source documents it
/// (v0.159.0): the top-level and <c>service</c> keys (<c>otelcol/config.go</c>, <c>service/config.go</c>), the
/// component types whose factories register profiles support (<c>WithProfiles</c> in each <c>factory.go</c>, with
/// the type names of each <c>metadata.yaml</c>), and the properties of each component's configuration
/// (<c>config.schema.yaml</c> of the component and of the <c>config/*</c> packages it includes). Facts copied as
/// lists, not the files themselves; a component or key missing here fails the guide's test, which is the point.
/// </summary>
internal static class CollectorProfilesSchema
{
    /// <summary>The feature gate that allows profiles pipelines (<c>service/internal/metadata/generated_feature_gates.go</c>).</summary>
    public const string FeatureGate = "service.profilesSupport";

    /// <summary>The OTLP receiver's profiles path over HTTP, fixed in v0.159.0 (<c>defaultProfilesURLPath</c>, receiver/otlpreceiver/factory.go).</summary>
    public const string ReceiverProfilesPath = "/v1development/profiles";

    public static readonly string[] TopLevel = ["receivers", "processors", "exporters", "connectors", "extensions", "service"];

    public static readonly string[] Service = ["pipelines", "extensions", "telemetry"];

    public static readonly string[] Pipeline = ["receivers", "processors", "exporters"];

    public static readonly string[] Signals = ["traces", "metrics", "logs", "profiles"];

    /// <summary>Receiver types with profiles support, and the properties of each (nested objects as "a.b").</summary>
    public static readonly Dictionary<string, string[]> Receivers = new(StringComparer.Ordinal)
    {
        ["otlp"] =
        [
            "protocols", "protocols.grpc", "protocols.http",

            // configgrpc.server_config + confignet.addr_config
            "protocols.grpc.endpoint", "protocols.grpc.transport", "protocols.grpc.dialer", "protocols.grpc.auth", "protocols.grpc.include_metadata",
            "protocols.grpc.keepalive", "protocols.grpc.max_concurrent_streams", "protocols.grpc.max_recv_msg_size_mib", "protocols.grpc.middlewares",
            "protocols.grpc.read_buffer_size", "protocols.grpc.tls", "protocols.grpc.write_buffer_size",

            // otlpreceiver http_config + confighttp.server_config (no profiles_url_path: the profiles path is fixed)
            "protocols.http.logs_url_path", "protocols.http.metrics_url_path", "protocols.http.traces_url_path",
            "protocols.http.auth", "protocols.http.compression_algorithms", "protocols.http.cors", "protocols.http.endpoint", "protocols.http.idle_timeout",
            "protocols.http.include_metadata", "protocols.http.keep_alives_enabled", "protocols.http.max_request_body_size", "protocols.http.middlewares",
            "protocols.http.read_header_timeout", "protocols.http.read_timeout", "protocols.http.response_headers", "protocols.http.tls", "protocols.http.write_timeout",
        ],
    };

    /// <summary>Processor types with profiles support (memory_limiter, queuebatch; not batch) and their properties.</summary>
    public static readonly Dictionary<string, string[]> Processors = new(StringComparer.Ordinal)
    {
        ["memory_limiter"] =
        [
            "check_interval", "limit_mib", "limit_percentage", "spike_limit_mib", "spike_limit_percentage",
            "min_gc_interval_when_soft_limited", "min_gc_interval_when_hard_limited", "max_gc_interval_when_soft_limited", "max_gc_interval_when_hard_limited",
        ],
    };

    private static readonly string[] TlsClient =
    [
        "insecure", "insecure_skip_verify", "server_name_override", "ca_file", "ca_pem", "cert_file", "cert_pem", "cipher_suites", "curve_preferences",
        "include_system_ca_certs_pool", "key_file", "key_pem", "max_version", "min_version", "reload_interval", "tpm",
    ];

    /// <summary>Exporter types with profiles support and their properties (the OTLP/gRPC exporter; otlp is its deprecated name).</summary>
    public static readonly Dictionary<string, string[]> Exporters = new(StringComparer.Ordinal)
    {
        ["otlp_grpc"] = OtlpGrpcExporter(),
        ["otlp"] = OtlpGrpcExporter(),
    };

    // otlpexporter: retry_on_failure, sending_queue, exporterhelper.timeout_config, configgrpc.client_config.
    private static string[] OtlpGrpcExporter() =>
    [
        "retry_on_failure", "sending_queue", "timeout",
        "auth", "authority", "balancer_name", "compression", "endpoint", "headers", "keepalive", "middlewares", "read_buffer_size", "tls",
        "user_agent", "wait_for_ready", "write_buffer_size",
        .. TlsClient.Select(k => "tls." + k),
    ];
}
