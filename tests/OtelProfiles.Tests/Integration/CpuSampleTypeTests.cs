namespace OtelProfiles.Tests.Integration;

/// <summary>OTEL_PROFILES_CPU_SAMPLE_TYPE=samples, end to end: a real child process's CPU profile on the wire.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CpuSampleTypeTests
{
    [Fact]
    public async Task Samples_sends_the_cpu_profile_as_counts_of_a_one_nanosecond_cpu_period()
    {
        EventWorkload run = await EventWorkload.RunAsync("cpu", 4, "cpu", ("OTEL_PROFILES_CPU_SAMPLE_TYPE", "samples"));

        var cpu = run.Profiles.Where(p => p.PeriodType == "cpu/nanoseconds").ToList();
        Assert.NotEmpty(cpu);
        Assert.All(cpu, p => Assert.Equal("samples/count", p.SampleType));
        Assert.All(cpu, p => Assert.Equal(1, p.Period));

        // Each count is a nanosecond of CPU: the busy child used most of a core for seconds.
        Assert.True(cpu.Sum(p => p.Samples.Sum(s => s.Value)) > 500_000_000, run.Run.Output);
    }
}
