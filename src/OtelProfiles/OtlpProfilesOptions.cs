using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using OtelProfiles.Configuration;

namespace OtelProfiles;

/// <summary>
/// Settings of continuous profiling and of its export as OTLP profiles.
/// </summary>
/// <remarks>
/// <para>
/// Values are applied in this order, each source overriding the previous one:
/// the defaults documented on each property;
/// the <c>OTEL_*</c> settings, read from <c>IConfiguration</c> (which in a host includes environment variables) or,
/// when no <c>IConfiguration</c> is registered, from the environment, where a per-signal
/// <c>OTEL_EXPORTER_OTLP_PROFILES_*</c> setting wins over its generic <c>OTEL_EXPORTER_OTLP_*</c> form;
/// the <c>OpenTelemetry:Profiles</c> configuration section, bound by property name (for example
/// <c>"OpenTelemetry": { "Profiles": { "ExportInterval": "00:00:30" } }</c>);
/// and finally the delegates passed to <c>AddOtlpProfiles</c>, in the order they were registered.
/// <c>OTEL_SDK_DISABLED=true</c> turns profiling off whatever the other sources say.
/// </para>
/// <para>
/// An invalid value from an environment variable or <c>IConfiguration</c> is logged once as a warning (and written
/// to the <c>OpenTelemetry-Profiles</c> EventSource) naming the setting, the value and what is accepted, and the
/// default applies, as the OpenTelemetry specification asks. An invalid value set in code fails at startup with the
/// same kind of message. Header values are treated as secrets: they appear in no message and not in
/// <see cref="ToString"/>.
/// </para>
/// </remarks>
public sealed class OtlpProfilesOptions
{
    internal const string DefaultGrpcEndpoint = "http://localhost:4317";
    internal const string DefaultHttpEndpoint = "http://localhost:4318/" + HttpSignalPath;

    /// <summary>What OTLP/HTTP appends to a base endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    internal const string HttpSignalPath = "v1development/profiles";

    internal const string DefaultFileDirectory = "profiles";

    private Uri? _endpoint;
    private bool _appendSignalPath;
    private IDictionary<string, string> _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    private SettingSources? _sources;

    /// <summary>
    /// Whether profiling runs at all. Environment: <c>OTEL_PROFILES_ENABLED</c> (<c>true</c> or <c>false</c>).
    /// Default: <see langword="true"/>. <c>OTEL_SDK_DISABLED=true</c> forces it to <see langword="false"/> even when
    /// code sets it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where profiles are sent. Environment: <c>OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT</c>, used as is, or
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, a base URL to which OTLP/HTTP appends <c>/v1development/profiles</c>.
    /// Default: <c>http://localhost:4317</c> for gRPC and <c>http://localhost:4318/v1development/profiles</c> for
    /// OTLP/HTTP. A value set in code or in the <c>OpenTelemetry:Profiles</c> section is used as is, so for OTLP/HTTP
    /// it must include the path. <see cref="GetExportEndpoint"/> gives the URL actually used.
    /// </summary>
    public Uri Endpoint
    {
        get => _endpoint ?? new Uri(this.Protocol == OtlpProfilesProtocol.HttpProtobuf ? DefaultHttpEndpoint : DefaultGrpcEndpoint);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _endpoint = value;
            _appendSignalPath = false;
        }
    }

    /// <summary>
    /// The OTLP transport. Environment: <c>OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL</c> or
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>: <c>grpc</c> or <c>http/protobuf</c> (<c>http/json</c> is not supported).
    /// Default: <see cref="OtlpProfilesProtocol.Grpc"/>, like the OpenTelemetry .NET OTLP exporter.
    /// </summary>
    public OtlpProfilesProtocol Protocol { get; set; } = OtlpProfilesProtocol.Grpc;

    /// <summary>
    /// Headers (gRPC metadata) sent with every export, for example <c>Authorization</c>. Environment:
    /// <c>OTEL_EXPORTER_OTLP_PROFILES_HEADERS</c> or <c>OTEL_EXPORTER_OTLP_HEADERS</c> as
    /// <c>key1=value1,key2=value2</c> with URL-encoded values (the per-signal form replaces the generic one as a whole).
    /// Default: none. Values are secrets and are never logged.
    /// </summary>
    public IDictionary<string, string> Headers
    {
        get => _headers;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _headers = value;
        }
    }

    /// <summary>
    /// Time limit of one export request. Environment: <c>OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT</c> or
    /// <c>OTEL_EXPORTER_OTLP_TIMEOUT</c>, in milliseconds. Default: 10 seconds. Accepted: 1 ms to 1 hour.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Compression of export requests. Environment: <c>OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION</c> or
    /// <c>OTEL_EXPORTER_OTLP_COMPRESSION</c>: <c>gzip</c> or <c>none</c>. Default: <see cref="OtlpProfilesCompression.Gzip"/>,
    /// unlike the other OTLP signals: a profile is mostly repeated function names and stacks, which gzip shrinks
    /// several times over for little CPU, and every OTLP receiver must accept gzip.
    /// </summary>
    public OtlpProfilesCompression Compression { get; set; } = OtlpProfilesCompression.Gzip;

    /// <summary>
    /// The kinds of profile collected. Environment: <c>OTEL_PROFILES_TYPES</c>, a comma-separated list of
    /// <c>cpu</c>, <c>wall</c>, <c>alloc</c>, <c>inuse</c>, <c>lock</c> and <c>exception</c>. Default:
    /// <see cref="ProfileTypes.Cpu"/> | <see cref="ProfileTypes.Wall"/>. A change on configuration reload applies at
    /// once (<see cref="ContinuousProfiler.SetProfileTypes"/> does the same from code); a type this runtime cannot
    /// provide is reported once in the log and skipped.
    /// </summary>
    public ProfileTypes ProfileTypes { get; set; } = ProfileTypes.Cpu | ProfileTypes.Wall;

    /// <summary>
    /// Target number of stack samples per second and thread. Environment: <c>OTEL_PROFILES_SAMPLING_FREQUENCY</c>.
    /// Default: 100. Accepted: 1 to 1000. The runtime samples every millisecond while its sampler runs; lower rates
    /// are reached by running the sampler only part of each <see cref="SamplerPeriod"/>.
    /// </summary>
    public int SamplingFrequencyHz { get; set; } = 100;

    /// <summary>
    /// The duty cycle over which the sampler is switched on and off to reach <see cref="SamplingFrequencyHz"/>.
    /// Environment: <c>OTEL_PROFILES_SAMPLER_PERIOD</c>, in milliseconds. Default: 1 second. Accepted: at least
    /// 200 ms and at most <see cref="ExportInterval"/>.
    /// </summary>
    public TimeSpan SamplerPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most the sampler may cost, as a percentage of wall-clock time: the time it keeps the app's managed
    /// threads paused (each sample pauses them all while their stacks are walked; this is its main cost) plus the
    /// CPU time of the profiler's own threads (decoding, aggregating, exporting) and, on Linux, of the runtime's
    /// EventPipe threads that work for it (the sampling thread, the sessions' streaming threads, the diagnostics
    /// server), divided by the number of cores, which is what that CPU takes from an app that keeps every core busy.
    /// Environment: <c>OTEL_PROFILES_SAMPLING_OVERHEAD</c>. Default: 1. Accepted: 0.1 to 100 (100: no limit, the
    /// <see cref="SamplingFrequencyHz"/> alone decides). Both costs are measured, and the sampler runs less (down to
    /// a few samples every few seconds) where they are high, for example when busy threads outnumber the cores;
    /// each profile reports the pause time as <c>dotnet.sampling.paused</c>, the profiler threads' CPU time as
    /// <c>dotnet.profiler.cpu</c> (Linux; Windows without the runtime's threads; elsewhere it reads zero and only pauses are charged) and the
    /// rate reached as <c>dotnet.sampling.ticks</c>.
    /// </summary>
    public double SamplingOverheadPercent { get; set; } = 1;

    /// <summary>
    /// How long samples are aggregated before one export. Environment: <c>OTEL_PROFILES_EXPORT_INTERVAL</c>, in
    /// milliseconds. Default: 15 seconds. Accepted: 1 second to 1 hour.
    /// </summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Where finished profiles go. Environment: <c>OTEL_PROFILES_EXPORTER</c>: <c>otlp</c>, <c>file</c>,
    /// <c>otlp,file</c> or <c>none</c>. Default: <see cref="ProfileExporters.Otlp"/>.
    /// </summary>
    public ProfileExporters Exporters { get; set; } = ProfileExporters.Otlp;

    /// <summary>
    /// The directory the file exporter writes into when <see cref="Exporters"/> includes
    /// <see cref="ProfileExporters.File"/>. Environment: <c>OTEL_PROFILES_FILE_DIRECTORY</c>. Default:
    /// <see langword="null"/>, meaning <c>./profiles</c> under the current directory.
    /// </summary>
    public string? FileDirectory { get; set; }

    /// <summary>
    /// How many finished export requests may wait while the receiver is slow or away; beyond that the oldest are
    /// dropped and counted. Environment: <c>OTEL_PROFILES_MAX_QUEUE_SIZE</c>. Default: 8. Accepted: 1 to 1000.
    /// </summary>
    public int MaxQueueSize { get; set; } = 8;

    /// <summary>
    /// How long the final export on shutdown or <c>ForceFlush</c> may take. No environment variable; set it in code
    /// or in the <c>OpenTelemetry:Profiles</c> section. Default: 5 seconds. Accepted: 0 to 10 minutes.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Which trace spans samples link to: CPU, wall, allocation, lock and exception samples taken while an
    /// <see cref="System.Diagnostics.Activity"/> is current on the sampled thread (across <c>await</c>) carry an OTLP
    /// link to it, and the name of its local root span (<c>GET /checkout</c>: the method and <c>http.route</c> where
    /// there is one, else the span's display name) as the string attribute <c>span_name</c>, which Grafana Pyroscope
    /// turns into a label, as it turns the link into <c>span_id</c> and <c>trace_id</c>. Environment:
    /// <c>OTEL_PROFILES_SPAN_LINKS</c>: <c>all</c>, <c>recorded</c>, <c>local_root</c> or <c>none</c>. Default:
    /// <see cref="ProfileSpanLinks.All"/>. Read when profiling starts.
    /// </summary>
    public ProfileSpanLinks SpanLinks { get; set; } = ProfileSpanLinks.All;

    /// <summary>
    /// How the CPU profile labels its values, which are nanoseconds of CPU time either way:
    /// <see cref="ProfileCpuSampleType.Cpu"/> (<c>cpu</c>/<c>nanoseconds</c>, the default) or
    /// <see cref="ProfileCpuSampleType.Samples"/> (<c>samples</c>/<c>count</c>, one count per nanosecond), which Grafana
    /// Pyroscope stores as its standard <c>process_cpu</c> series. Environment: <c>OTEL_PROFILES_CPU_SAMPLE_TYPE</c>:
    /// <c>cpu</c> or <c>samples</c>. Read when profiling starts.
    /// </summary>
    public ProfileCpuSampleType CpuSampleType { get; set; } = ProfileCpuSampleType.Cpu;

    /// <summary>Which setting each value came from, and the warnings; see <see cref="SettingSources"/>.</summary>
    internal SettingSources Sources => _sources ??= new SettingSources(this);

    /// <summary>Whether <see cref="GetExportEndpoint"/> appends the signal path (a generic base endpoint with OTLP/HTTP).</summary>
    internal bool AppendsSignalPath => _appendSignalPath && this.Protocol == OtlpProfilesProtocol.HttpProtobuf;

    /// <summary>
    /// The URL exports actually go to: <see cref="Endpoint"/>, with <c>/v1development/profiles</c> appended when it is
    /// the generic base endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) and <see cref="Protocol"/> is OTLP/HTTP.
    /// </summary>
    /// <returns>The absolute export URL.</returns>
    /// <remarks>
    /// Experimental (<c>OTELPROF001</c>): the path is the OTLP profiles signal's, which is in Development and will
    /// change (to <c>v1/profiles</c>) when the signal is declared stable.
    /// </remarks>
    [Experimental(DiagnosticIds.ExperimentalProfilesSignal)]
    public Uri GetExportEndpoint()
    {
        var endpoint = this.Endpoint;
        if (!this.AppendsSignalPath || !endpoint.IsAbsoluteUri)
        {
            return endpoint;
        }

        // "http://host:4318", "http://host:4318/" and "http://host/otlp/" all get exactly one '/' before the path.
        var builder = new UriBuilder(endpoint);
        builder.Path = builder.Path.TrimEnd('/') + "/" + HttpSignalPath;
        return builder.Uri;
    }

    /// <summary>
    /// Checks every setting and throws one exception listing all problems; the same check runs at startup when the
    /// options come from dependency injection.
    /// </summary>
    /// <exception cref="OptionsValidationException">One or more settings are invalid.</exception>
    public void Validate()
    {
        var errors = OtlpProfilesOptionsValidation.GetErrors(this);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(OtlpProfilesOptions), errors);
        }
    }

    /// <summary>Describes the settings for diagnostics; header values are replaced by <c>***</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => OtlpProfilesOptionsDescription.Describe(this);

    /// <summary>The full path of the file exporter's directory (<see cref="FileDirectory"/> or <c>./profiles</c>).</summary>
    internal string ResolveFileDirectory() =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(this.FileDirectory) ? DefaultFileDirectory : this.FileDirectory);

    /// <summary>
    /// Sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: a base URL to which OTLP/HTTP appends the signal path.
    /// </summary>
    internal void SetBaseEndpoint(Uri value)
    {
        this.Endpoint = value;
        _appendSignalPath = true;
    }

    /// <summary>What decides the export URL besides the protocol: the endpoint as given and whether it is a base.</summary>
    internal (string? Endpoint, bool IsBase) EndpointSnapshot => (_endpoint?.OriginalString, _appendSignalPath);

    /// <summary>Back to the default endpoint, which follows the protocol.</summary>
    internal void ResetEndpoint()
    {
        _endpoint = null;
        _appendSignalPath = false;
    }
}
