using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using OtelProfiles.Benchmarks;
using OtelProfiles.Benchmarks.Demo;
using OtelProfiles.Benchmarks.Gate;
using OtelProfiles.Benchmarks.Measurement;
using OtelProfiles.Benchmarks.Micro;
using OtelProfiles.Benchmarks.Reporting;
using OtelProfiles.Benchmarks.Workloads;

// Usage (see bench/README.md):
//   OtelProfiles.Benchmarks workloads [--quick] [--jobs default,dotnet-trace] [--only Cpu,Kestrel] [--settle 45]
//   OtelProfiles.Benchmarks micro [--quick] [--only Ingestion]
//   OtelProfiles.Benchmarks demo-export [--seconds 60] [--span-links all|recorded|local_root|none] [--overhead PERCENT]
//   OtelProfiles.Benchmarks all [--quick]
//   OtelProfiles.Benchmarks <BenchmarkDotNet arguments>     (plain BenchmarkSwitcher, e.g. --list flat)
//   OtelProfiles.Benchmarks steady <Workload> <seconds> <warmup-seconds>   (one process of the A/B harness)
//   OtelProfiles.Benchmarks gc-cost [rounds] [warmup-seconds] [seconds] [mode,mode,...] [alloc|Workload] [live-MB]   (what profiling adds to each GC pause, part by part)
//   OtelProfiles.Benchmarks gate <Workload> [--phase 5] [--settle 2.5] [--min-pairs 6] [--max-pairs 20] [--budget 5] [--inject 0] [--warmup 10] [--profiler-warmup 60]
//                                                                            (the CI overhead gate: two processes, profiling in turns)
//   OtelProfiles.Benchmarks gate <Workload> --in-process [...] [--phase-times]   (the earlier gate: off/on phases in one process)
//   OtelProfiles.Benchmarks gate-child <Workload> <warmup-seconds> <profiler-warmup-seconds>   (one process of the gate)
//   OtelProfiles.Benchmarks gate-resample <log> [runs] [max-pairs]   (the gate's error rates, by resampling the pairs a log recorded)
//   OtelProfiles.Benchmarks aba <Workload> <phase-seconds> <settle-seconds> <repetitions>   (off/on/off in one process)
// Results go to bench/results (latest.md plus BenchmarkDotNet's artifacts), or --results DIR.
string command = args.Length > 0 ? args[0] : "--help";
if (command == "aba" && args.Length >= 5)
{
    return InProcessAbaRun.Run(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
}

if (command == "gate" && args.Length >= 2)
{
    return args.Contains("--in-process")
        ? InProcessGateRun.Run(args[1], GateSettings.Parse(args))
        : PairedProcessGateRun.Run(args[1], GateSettings.Parse(args));
}

if (command == "gate-child" && args.Length >= 4)
{
    return GateChild.Run(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture));
}

if (command == "gate-resample" && args.Length >= 2)
{
    return GateResampling.Run(
        args[1],
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null);
}

if (command == "gc-cost-child" && args.Length >= 4)
{
    return GcPauseCostRun.Child(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture), args.Length > 4 ? args[4] : "alloc", args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0);
}

if (command == "gc-cost")
{
    return GcPauseCostRun.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5,
        args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 8,
        args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 5,
        args.Length > 4 ? args[4].Split(',', StringSplitOptions.RemoveEmptyEntries) : GcPauseCostRun.AllModes,
        args.Length > 5 ? args[5] : "alloc",
        args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 0);
}

if (command == "steady" && args.Length >= 4)
{
    // A child of the A/B harness: its OTEL_PROFILES_* variables are the configuration under test, so this runs
    // before the cleanup below.
    return SteadyStateRun.Run(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture));
}

bool quick = args.Contains("--quick");
string results = Option("--results") ?? Path.Combine(FindBenchDirectory(), "results");
string artifacts = Path.Combine(results, "artifacts");
string[] only = (Option("--only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
string[] jobs = (Option("--jobs") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
string invocation = "OtelProfiles.Benchmarks " + string.Join(' ', args);

// "default" must mean the library's defaults: OTEL_PROFILES_* from the caller's shell would leak into every job.
foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("OTEL_PROFILES_", StringComparison.Ordinal)))
{
    Environment.SetEnvironmentVariable(name, null);
}

switch (command)
{
    case "workloads":
        RunWorkloads();
        break;
    case "micro":
        RunMicro();
        break;
    case "demo-export":
        RunDemoExport(int.Parse(Option("--seconds") ?? "60", CultureInfo.InvariantCulture), Option("--span-links"), Option("--overhead"));
        break;
    case "all":
        RunMicro();
        RunWorkloads();
        RunDemoExport(quick ? 20 : 60);
        break;
    case "--help" or "-h":
        Console.WriteLine("commands: workloads | micro | demo-export | all  [--quick] [--only A,B] [--jobs a,b] [--settle SECONDS] [--seconds N] [--results DIR]");
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.WithArtifactsPath(artifacts));
        break;
}

return 0;

void RunWorkloads()
{
    // Each benchmark process writes its profiles under ROOT/PID; the host reads them after the process ends.
    string exportRoot = Path.Combine(Path.GetTempPath(), "otelprofiles-bench-exports");
    Environment.SetEnvironmentVariable(BenchEnvironment.ExportRoot, exportRoot);
    // Seconds every benchmark process works before BenchmarkDotNet's warmup, so the profiler's start is not measured.
    Environment.SetEnvironmentVariable(BenchEnvironment.SettleSeconds, Option("--settle") ?? (quick ? "5" : "45"));
    var report = new ResultsMarkdown(results, "workloads", "Service workloads: profiling off vs on vs dotnet-trace", invocation);
    report.AddText(WorkloadsLegend);
    Run(Suites.WorkloadTypes, Suites.Workloads(quick, jobs, artifacts), report);
}

void RunMicro()
{
    RecordedSamplerStream.Prepare(artifacts);
    var report = new ResultsMarkdown(results, "micro", "Hot-path microbenchmarks", invocation);
    report.AddText(string.Create(CultureInfo.InvariantCulture, $"The reader benchmarks decode a recorded one-second sampler stream of {RecordedSamplerStream.SampleCount} thread samples."));
    Run(Suites.MicroTypes, Suites.Micro(quick, artifacts), report);
}

void RunDemoExport(int seconds, string? spanLinks = null, string? overheadPercent = null)
{
    var report = new ResultsMarkdown(results, "demo-export", "Export size of the demo under load", invocation);
    string table = DemoExportSize.Run(seconds, spanLinks, overheadPercent);
    Console.WriteLine(table);
    report.AddText(table);
    Console.WriteLine("Results: " + report.Save());
}

void Run(Type[] types, IConfig config, ResultsMarkdown report)
{
    Type[] selected = only.Length == 0 ? types : types.Where(t => only.Any(o => t.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
    foreach (Summary summary in BenchmarkRunner.Run(selected, config))
    {
        report.Add(summary);
    }

    Console.WriteLine("Results: " + report.Save());
}

string? Option(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindBenchDirectory()
{
    for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "bench", "dotnet-tools.json")))
        {
            return Path.Combine(dir, "bench");
        }
    }

    return Path.Combine(Directory.GetCurrentDirectory(), "bench");
}

internal static partial class Program
{
    private const string WorkloadsLegend = """
        Every benchmark process first works 45 s unmeasured (`--settle`), the baseline too, so the profiler's start
        (sessions, rundown, first exports, JIT and tier-up of its own code) is over before BenchmarkDotNet's warmup.
        Jobs: `off` = profiling disabled (baseline); `default` = the library's defaults (cpu,wall, 100 Hz per thread
        wanted, within a 1% budget of time the sampler may pause the app: the 1 kHz runtime sampler runs in windows
        sized to that budget); one job per profile type alone; `1kHz` = our sampler never switched off and no budget
        (the same sampling rate as dotnet-trace); `dotnet-trace` = our profiler off and
        `dotnet-trace collect` attached from outside with the same providers (SampleProfiler at 1 kHz, runtime
        Loader/Jit/CompilationDiagnostic at Verbose). `Tput loss` = 1 - baseline mean / mean; `CPU Δ` = extra CPU
        time per operation (for dotnet-trace including the dotnet-trace process); `WS Δ` = extra peak working set;
        `Hz/thread`, `Paused %` and `Export KB/min` (gzip) come from the profiles each process exported.
        """;
}
