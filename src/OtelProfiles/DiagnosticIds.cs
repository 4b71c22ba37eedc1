namespace OtelProfiles;

/// <summary>
/// Diagnostic ids the library's own attributes raise in its users' builds (the analyzers' OTP ids are in
/// analyzers/OtelProfiles.Generators/AnalyzerReleases.*.md).
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>
    /// <c>OTELPROF001</c>, raised by <see cref="System.Diagnostics.CodeAnalysis.ExperimentalAttribute"/>: the API follows
    /// the OTLP profiles signal, which is in Development in the OpenTelemetry specification, so it changes when the
    /// signal does. Suppress it (<c>&lt;NoWarn&gt;$(NoWarn);OTELPROF001&lt;/NoWarn&gt;</c>) to accept that.
    /// </summary>
    public const string ExperimentalProfilesSignal = "OTELPROF001";
}
