using System.Diagnostics.CodeAnalysis;

namespace OtelProfiles.ProfileSources.Sampler;

/// <summary>The spelling of <see cref="ProfileCpuSampleType"/> in <c>OTEL_PROFILES_CPU_SAMPLE_TYPE</c>.</summary>
internal static class CpuSampleTypeSetting
{
    public const string Accepted = "cpu, samples";

    public static bool TryParse(string setting, string raw, out ProfileCpuSampleType value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (raw.Trim().ToLowerInvariant())
        {
            case "cpu":
                value = ProfileCpuSampleType.Cpu;
                return true;
            case "samples":
                value = ProfileCpuSampleType.Samples;
                return true;
            default:
                value = default;
                error = $"{setting}='{raw}' is not a CPU sample type; accepted: {Accepted}";
                return false;
        }
    }

    public static string Format(ProfileCpuSampleType type) => type switch
    {
        ProfileCpuSampleType.Cpu => "cpu",
        ProfileCpuSampleType.Samples => "samples",
        _ => type.ToString(),
    };
}
