using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using OtelProfiles.Benchmarks.Columns;
using OtelProfiles.Benchmarks.Jobs;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Benchmarks.Micro;
using OtelProfiles.Benchmarks.Workloads;
using Perfolizer.Horology;

namespace OtelProfiles.Benchmarks;

/// <summary>The two BenchmarkDotNet suites and their configurations.</summary>
internal static class Suites
{
    public static readonly Type[] WorkloadTypes =
    [
        typeof(CpuBoundWorkload),
        typeof(JsonSerializationWorkload),
        typeof(LockContentionWorkload),
        typeof(IdleThreadsWorkload),
        typeof(KestrelRequestWorkload),
    ];

    public static readonly Type[] MicroTypes =
    [
        typeof(SampleIngestionBenchmarks),
        typeof(NetTraceReaderBenchmarks),
        typeof(ExportBuildBenchmarks),
        typeof(SpanLinkBenchmarks),
    ];

    /// <summary>
    /// Workloads × profiler configurations. Iterations last 2 s, two sampler duty periods, so every iteration sees
    /// the sampler on and off the same way; 12 of them give a median that one noisy second cannot move much.
    /// </summary>
    public static IConfig Workloads(bool quick, IReadOnlyCollection<string> jobs, string artifacts)
    {
        Job template = quick
            ? Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(4).WithIterationTime(TimeInterval.FromSeconds(1))
            : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(12).WithIterationTime(TimeInterval.FromSeconds(2));
        template = template.WithUnrollFactor(1);

        Job[] configured = ProfilingJobs.Create(template, jobs).ToArray();
        return Base(artifacts)
            .AddJob(configured)
            .WithOrderer(new JobOrderer(configured.Select(j => j.Id)))
            .AddDiagnoser(MemoryDiagnoser.Default, new ProcessCostDiagnoser())
            .AddColumn(BaselineDeltaColumn.ThroughputLoss, BaselineDeltaColumn.ExtraCpu, BaselineDeltaColumn.ExtraWorkingSet)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod)
            // Every job differs only in environment variables; the job id already says which configuration it is.
            .HideColumns("Error", "EnvironmentVariables", "IterationTime", "UnrollFactor", "WarmupCount", "IterationCount", "LaunchCount");
    }

    public static IConfig Micro(bool quick, string artifacts)
    {
        Job job = quick ? Job.ShortRun : Job.Default;
        return Base(artifacts)
            .AddJob(job.WithId(quick ? "short" : "default"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(MicroColumns.NanosecondsPerSample, MicroColumns.BytesPerSample, MicroColumns.CompressedBytesPerExport);
    }

    private static ManualConfig Base(string artifacts) =>
        ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithArtifactsPath(artifacts);
}
