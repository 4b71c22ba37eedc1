namespace OtelProfiles.Configuration;

/// <summary>
/// The names of the OTEL_* settings this library reads (from <c>IConfiguration</c>, which in a host includes
/// environment variables, or from the environment directly). Kept in one place so that messages, docs and tests
/// spell them the same way.
/// </summary>
internal static class OtelSettingNames
{
    /// <summary>The configuration section bound onto <see cref="OtlpProfilesOptions"/> with the standard binder.</summary>
    public const string ConfigurationSection = "OpenTelemetry:Profiles";

    // Standard OpenTelemetry SDK switches.
    public const string SdkDisabled = "OTEL_SDK_DISABLED";

    // Generic OTLP exporter settings, shared with traces, metrics and logs.
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Headers = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string Timeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string Compression = "OTEL_EXPORTER_OTLP_COMPRESSION";

    // Their per-signal forms, which win over the generic ones. A per-signal endpoint is used as is.
    public const string ProfilesEndpoint = "OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT";
    public const string ProfilesHeaders = "OTEL_EXPORTER_OTLP_PROFILES_HEADERS";
    public const string ProfilesProtocol = "OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL";
    public const string ProfilesTimeout = "OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT";
    public const string ProfilesCompression = "OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION";

    // This library's own switches.
    public const string Enabled = "OTEL_PROFILES_ENABLED";
    public const string Types = "OTEL_PROFILES_TYPES";
    public const string SamplingFrequency = "OTEL_PROFILES_SAMPLING_FREQUENCY";
    public const string SamplerPeriod = "OTEL_PROFILES_SAMPLER_PERIOD";
    public const string SamplingOverhead = "OTEL_PROFILES_SAMPLING_OVERHEAD";
    public const string ExportInterval = "OTEL_PROFILES_EXPORT_INTERVAL";
    public const string Exporter = "OTEL_PROFILES_EXPORTER";
    public const string FileDirectory = "OTEL_PROFILES_FILE_DIRECTORY";
    public const string MaxQueueSize = "OTEL_PROFILES_MAX_QUEUE_SIZE";
    public const string SpanLinks = "OTEL_PROFILES_SPAN_LINKS";
    public const string CpuSampleType = "OTEL_PROFILES_CPU_SAMPLE_TYPE";
}
