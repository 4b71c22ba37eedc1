namespace OtelProfiles.Otlp;

/// <summary>Which rules <see cref="OtlpRequestValidator"/> holds a request to.</summary>
internal enum ValidationRules
{
    /// <summary>
    /// What the receiver requires of any sender before it stores a request: every index in range (0 always allowed,
    /// meaning "unset"), index 0 of every table the zero value, every sample with a value, and the size limits.
    /// </summary>
    Receiver,

    /// <summary>
    /// The receiver's rules plus what a careful producer (the OtelProfiles library) promises on top: every table
    /// present with its zero entry, the deduplicated tables free of repeats, references that must name something not
    /// left at 0, one positive value per sample, samples merged by identity, and each profile with its types, period,
    /// time range and id. The tests hold the library's exports to these.
    /// </summary>
    Strict,
}
