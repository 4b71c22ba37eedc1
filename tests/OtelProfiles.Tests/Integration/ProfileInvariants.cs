using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// The structural rules of an OTLP profiles request, checked by the validator `otel-profiles serve` uses, with its
/// strict rules on top: every index in range, index 0 the zero value, deduplicated tables, merged samples.
/// </summary>
internal static class ProfileInvariants
{
    public static void AssertValid(ExportProfilesServiceRequest request)
    {
        var problems = OtlpRequestValidator.Validate(request, ValidationRules.Strict);
        Assert.True(problems.Count == 0, "invalid OTLP profiles request: " + string.Join("; ", problems));
    }
}
