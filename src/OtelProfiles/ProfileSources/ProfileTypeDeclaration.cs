namespace OtelProfiles.ProfileSources;

/// <summary>
/// What a family declares about one of its profile types, so that nothing outside the family's folder lists the
/// type: configuration parses and prints its name from here and the health metrics count its samples from here
/// (both read <see cref="ProfileSourceRegistry.Declared"/>).
/// </summary>
/// <param name="Type">Its flag, a single bit of <see cref="ProfileTypes"/>.</param>
/// <param name="Name">
/// Its name in <c>OTEL_PROFILES_TYPES</c>, the startup log and the <c>profile.type</c> attribute of
/// <c>otelprofiles.samples</c> (lower case, matched case-insensitively, unique among all families' types).
/// </param>
/// <param name="Samples">
/// How <c>otelprofiles.samples</c> counts its exported samples, or null when it takes none (in-use memory is a
/// snapshot of the live heap, not samples taken).
/// </param>
internal sealed record ProfileTypeDeclaration(ProfileTypes Type, string Name, SampleCounting? Samples);
