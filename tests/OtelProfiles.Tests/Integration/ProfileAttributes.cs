using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;

namespace OtelProfiles.Tests.Integration;

/// <summary>Reads a profile-level attribute (dotnet.sampling.*) through the request's shared dictionary.</summary>
internal static class ProfileAttributes
{
    /// <summary>The integer value of the one attribute named <paramref name="key"/> on <paramref name="profile"/>.</summary>
    public static long Int(ExportProfilesServiceRequest request, Profile profile, string key) =>
        profile.AttributeIndices.Select(i => request.Dictionary.AttributeTable[i])
            .Single(a => request.Dictionary.StringTable[a.KeyStrindex] == key).Value.IntValue;
}
