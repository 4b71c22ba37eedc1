using static OtelProfiles.Tests.Configuration.Settings;

namespace OtelProfiles.Tests.Configuration;

/// <summary>OTEL_PROFILES_CPU_SAMPLE_TYPE and <see cref="OtlpProfilesOptions.CpuSampleType"/>: parsed, warned and fallen back, or failed fast in code.</summary>
public sealed class CpuSampleTypeSettingTests
{
    [Theory]
    [InlineData("cpu", ProfileCpuSampleType.Cpu)]
    [InlineData(" SAMPLES ", ProfileCpuSampleType.Samples)]
    public void The_environment_variable_selects_the_sample_type(string raw, ProfileCpuSampleType expected) =>
        Assert.Equal(expected, Read(("OTEL_PROFILES_CPU_SAMPLE_TYPE", raw)).CpuSampleType);

    [Fact]
    public void Cpu_nanoseconds_is_the_default() => Assert.Equal(ProfileCpuSampleType.Cpu, new OtlpProfilesOptions().CpuSampleType);

    [Fact]
    public void An_invalid_environment_value_warns_and_falls_back_to_cpu()
    {
        Assert.StartsWith(
            "OTEL_PROFILES_CPU_SAMPLE_TYPE='process_cpu' is not a CPU sample type; accepted: cpu, samples",
            SingleWarning(("OTEL_PROFILES_CPU_SAMPLE_TYPE", "process_cpu")));
        Assert.Equal(ProfileCpuSampleType.Cpu, Read(("OTEL_PROFILES_CPU_SAMPLE_TYPE", "process_cpu")).CpuSampleType);
    }

    [Fact]
    public void An_undefined_value_set_in_code_fails_validation()
    {
        var options = new OtlpProfilesOptions { CpuSampleType = (ProfileCpuSampleType)7 };
        string error = Assert.Single(OtelProfiles.Configuration.OtlpProfilesOptionsValidation.GetErrors(options));
        Assert.StartsWith("OtlpProfilesOptions.CpuSampleType='7' is not a defined value; accepted: cpu, samples", error);
    }
}
