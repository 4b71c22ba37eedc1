namespace OtelProfiles.Configuration;

/// <summary>
/// The destination an application gives every signal at once in code, <c>AddOtlpProfiles(protocol, baseUrl)</c>,
/// the counterpart of OpenTelemetry .NET's <c>UseOtlpExporter(protocol, baseUrl)</c>. It behaves as that method's
/// default exporter options do: it replaces the generic <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, OTLP/HTTP appends the signal path to the base URL, and what is set for
/// profiles alone (<c>OTEL_EXPORTER_OTLP_PROFILES_*</c>, the <c>OpenTelemetry:Profiles</c> section, later delegates)
/// wins over it.
/// </summary>
internal sealed class SharedOtlpDestination
{
    private SharedOtlpDestination(OtlpProfilesProtocol protocol, Uri baseUrl)
    {
        Protocol = protocol;
        BaseUrl = baseUrl;
    }

    public OtlpProfilesProtocol Protocol { get; }

    public Uri BaseUrl { get; }

    /// <summary>Checks values given in code at once: a wrong one fails the call, not a later export.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="protocol"/> is not a defined protocol.</exception>
    /// <exception cref="ArgumentException"><paramref name="baseUrl"/> is not an absolute http(s) URL.</exception>
    public static SharedOtlpDestination Create(OtlpProfilesProtocol protocol, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!Enum.IsDefined(protocol))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, $"use {nameof(OtlpProfilesProtocol.Grpc)} or {nameof(OtlpProfilesProtocol.HttpProtobuf)}");
        }

        if (!OtelValueParsers.IsHttpScheme(baseUrl))
        {
            // The URL may carry credentials (user info, a query key): the message shows it masked.
            throw new ArgumentException(
                $"'{Redaction.Url(baseUrl)}' is not an absolute http(s) URL; use e.g. " +
                (protocol == OtlpProfilesProtocol.HttpProtobuf ? "http://localhost:4318" : OtlpProfilesOptions.DefaultGrpcEndpoint),
                nameof(baseUrl));
        }

        return new SharedOtlpDestination(protocol, baseUrl);
    }

    /// <summary>Applies the destination where nothing profiles-specific has been set (an options delegate).</summary>
    public void ApplyTo(OtlpProfilesOptions options)
    {
        if (!IsProfilesSpecific(options, nameof(OtlpProfilesOptions.Protocol), OtelSettingNames.ProfilesProtocol))
        {
            options.Protocol = Protocol;
        }

        if (!IsProfilesSpecific(options, nameof(OtlpProfilesOptions.Endpoint), OtelSettingNames.ProfilesEndpoint))
        {
            options.SetBaseEndpoint(BaseUrl);
        }
    }

    // A value read from the per-signal variable or from the OpenTelemetry:Profiles section is meant for profiles
    // alone; the generic variable, the default and code are what the shared destination replaces.
    private static bool IsProfilesSpecific(OtlpProfilesOptions options, string property, string perSignalSetting) =>
        options.Sources.Find(property) is var (setting, _)
        && (setting == perSignalSetting || setting.StartsWith(OtelSettingNames.ConfigurationSection + ":", StringComparison.OrdinalIgnoreCase));
}
