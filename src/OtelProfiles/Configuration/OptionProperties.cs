namespace OtelProfiles.Configuration;

/// <summary>
/// Per-property access to <see cref="OtlpProfilesOptions"/> by name, for the two steps that handle properties
/// generically: <see cref="SettingSources"/> compares a property's value with the one a setting gave it, and
/// <see cref="ConfigurationFallback"/> puts an invalid configured value back to its default.
/// </summary>
internal static class OptionProperties
{
    /// <summary>The property's value in a form that equals an earlier snapshot exactly when the value is the same.</summary>
    public static object? Snapshot(OtlpProfilesOptions options, string property) => property switch
    {
        nameof(OtlpProfilesOptions.Enabled) => options.Enabled,
        nameof(OtlpProfilesOptions.Endpoint) => options.EndpointSnapshot,

        // Headers change in place too (options.Headers["x"] = ...), so their content is compared, not the instance.
        nameof(OtlpProfilesOptions.Headers) => string.Join('\n', options.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key}\0{h.Value}")),
        nameof(OtlpProfilesOptions.Protocol) => options.Protocol,
        nameof(OtlpProfilesOptions.Timeout) => options.Timeout,
        nameof(OtlpProfilesOptions.Compression) => options.Compression,
        nameof(OtlpProfilesOptions.ProfileTypes) => options.ProfileTypes,
        nameof(OtlpProfilesOptions.SamplingFrequencyHz) => options.SamplingFrequencyHz,
        nameof(OtlpProfilesOptions.SamplerPeriod) => options.SamplerPeriod,
        nameof(OtlpProfilesOptions.SamplingOverheadPercent) => options.SamplingOverheadPercent,
        nameof(OtlpProfilesOptions.ExportInterval) => options.ExportInterval,
        nameof(OtlpProfilesOptions.Exporters) => options.Exporters,
        nameof(OtlpProfilesOptions.FileDirectory) => options.FileDirectory,
        nameof(OtlpProfilesOptions.MaxQueueSize) => options.MaxQueueSize,
        nameof(OtlpProfilesOptions.ShutdownTimeout) => options.ShutdownTimeout,
        nameof(OtlpProfilesOptions.SpanLinks) => options.SpanLinks,
        nameof(OtlpProfilesOptions.CpuSampleType) => options.CpuSampleType,
        _ => throw new ArgumentOutOfRangeException(nameof(property), property, "Not a property of OtlpProfilesOptions."),
    };

    /// <summary>Puts the property back to its documented default.</summary>
    public static void Reset(OtlpProfilesOptions options, string property)
    {
        var defaults = new OtlpProfilesOptions();
        switch (property)
        {
            case nameof(OtlpProfilesOptions.Enabled): options.Enabled = defaults.Enabled; break;
            case nameof(OtlpProfilesOptions.Endpoint): options.ResetEndpoint(); break;
            case nameof(OtlpProfilesOptions.Headers): options.Headers = defaults.Headers; break;
            case nameof(OtlpProfilesOptions.Protocol): options.Protocol = defaults.Protocol; break;
            case nameof(OtlpProfilesOptions.Timeout): options.Timeout = defaults.Timeout; break;
            case nameof(OtlpProfilesOptions.Compression): options.Compression = defaults.Compression; break;
            case nameof(OtlpProfilesOptions.ProfileTypes): options.ProfileTypes = defaults.ProfileTypes; break;
            case nameof(OtlpProfilesOptions.SamplingFrequencyHz): options.SamplingFrequencyHz = defaults.SamplingFrequencyHz; break;
            case nameof(OtlpProfilesOptions.SamplerPeriod): options.SamplerPeriod = defaults.SamplerPeriod; break;
            case nameof(OtlpProfilesOptions.SamplingOverheadPercent): options.SamplingOverheadPercent = defaults.SamplingOverheadPercent; break;
            case nameof(OtlpProfilesOptions.ExportInterval): options.ExportInterval = defaults.ExportInterval; break;
            case nameof(OtlpProfilesOptions.Exporters): options.Exporters = defaults.Exporters; break;
            case nameof(OtlpProfilesOptions.FileDirectory): options.FileDirectory = defaults.FileDirectory; break;
            case nameof(OtlpProfilesOptions.MaxQueueSize): options.MaxQueueSize = defaults.MaxQueueSize; break;
            case nameof(OtlpProfilesOptions.ShutdownTimeout): options.ShutdownTimeout = defaults.ShutdownTimeout; break;
            case nameof(OtlpProfilesOptions.SpanLinks): options.SpanLinks = defaults.SpanLinks; break;
            case nameof(OtlpProfilesOptions.CpuSampleType): options.CpuSampleType = defaults.CpuSampleType; break;
            default: throw new ArgumentOutOfRangeException(nameof(property), property, "Not a property of OtlpProfilesOptions.");
        }
    }
}
