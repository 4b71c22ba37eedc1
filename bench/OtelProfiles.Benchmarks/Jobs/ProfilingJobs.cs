using BenchmarkDotNet.Jobs;
using OtelProfiles.Configuration;

namespace OtelProfiles.Benchmarks.Jobs;

/// <summary>
/// The profiler configurations every workload runs under. Profiling is process-wide, so each configuration is a
/// BenchmarkDotNet job (its own process) that differs only in environment variables; "off" is the baseline, so
/// every other row is a ratio against the same workload without profiling.
/// </summary>
internal static class ProfilingJobs
{
    /// <summary>Set on the dotnet-trace peer job: the host attaches dotnet-trace to the benchmark process.</summary>
    public const string DotnetTraceVariable = "OTELPROFILES_BENCH_DOTNET_TRACE";

    public const string Off = "off";
    public const string Default = "default";
    public const string Continuous = "1kHz";
    public const string DotnetTrace = "dotnet-trace";

    /// <param name="template">Run characteristics (iterations, iteration time) shared by every configuration.</param>
    /// <param name="only">When not empty, only the jobs with these ids (the baseline is always kept).</param>
    public static IReadOnlyList<Job> Create(Job template, IReadOnlyCollection<string> only)
    {
        var jobs = new List<Job>
        {
            Configure(template, Off, ("OTEL_PROFILES_ENABLED", "false")).AsBaseline(),
            Configure(template, Default, ("OTEL_PROFILES_ENABLED", "true")),
        };

        // One job per profile type alone. The list comes from the library, so types added later are measured too.
        foreach (string type in SingleProfileTypes())
        {
            jobs.Add(Configure(template, type, ("OTEL_PROFILES_ENABLED", "true"), ("OTEL_PROFILES_TYPES", type)));
        }

        // The sampler never switched off and no overhead budget: the runtime's 1 kHz, i.e. the same sampling dotnet-trace does.
        jobs.Add(Configure(
            template,
            Continuous,
            ("OTEL_PROFILES_ENABLED", "true"),
            ("OTEL_PROFILES_SAMPLING_FREQUENCY", "1000"),
            ("OTEL_PROFILES_SAMPLING_OVERHEAD", "100")));

        // The peer: our profiler off, dotnet-trace attached from outside with the same providers.
        jobs.Add(Configure(template, DotnetTrace, ("OTEL_PROFILES_ENABLED", "false"), (DotnetTraceVariable, "1")));

        return only.Count == 0 ? jobs : jobs.Where(j => j.Meta.Baseline || only.Contains(j.Id)).ToList();
    }

    /// <summary>The <c>OTEL_PROFILES_TYPES</c> spelling of every single profile type the library knows.</summary>
    public static IEnumerable<string> SingleProfileTypes()
    {
        foreach (ProfileTypes type in Enum.GetValues<ProfileTypes>())
        {
            // Single flags only; a type the library cannot spell yet is skipped rather than guessed.
            if (type == ProfileTypes.None || (type & (type - 1)) != 0)
            {
                continue;
            }

            string name = OtlpProfilesOptionsDescription.Types(type);
            if (name != "none" && !name.Contains(',', StringComparison.Ordinal))
            {
                yield return name;
            }
        }
    }

    public static bool IsDotnetTrace(Job job) =>
        job.Environment.EnvironmentVariables?.Any(v => v.Key == DotnetTraceVariable && v.Value == "1") == true;

    private static Job Configure(Job template, string id, params (string Name, string Value)[] variables) =>
        template
            .WithEnvironmentVariables(variables.Select(v => new EnvironmentVariable(v.Name, v.Value)).ToArray())
            .WithId(id);
}
