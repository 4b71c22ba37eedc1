namespace OtelProfiles;

/// <summary>
/// Where finished profiles go (<c>OTEL_PROFILES_EXPORTER</c>: <c>otlp</c>, <c>file</c>, <c>otlp,file</c> or
/// <c>none</c>). Combine values with <c>|</c>.
/// </summary>
[Flags]
public enum ProfileExporters
{
    /// <summary>Profiles are collected but not sent anywhere (<c>none</c>).</summary>
    None = 0,

    /// <summary>Profiles are sent to an OTLP receiver (<c>otlp</c>); the default.</summary>
    Otlp = 1,

    /// <summary>
    /// Each export interval is written as one OTLP protobuf file into
    /// <see cref="OtlpProfilesOptions.FileDirectory"/> (<c>file</c>).
    /// </summary>
    File = 2,
}
