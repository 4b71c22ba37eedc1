using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OtelProfiles.Benchmarks.Measurement;

// Usage: OtelProfiles.Overhead [--rounds 5] [--seconds 10] [--warmup 3] [--mode cpu|json | --workload CpuBound|Json|Lock|Idle|Kestrel]
//                              [--max-overhead 5] [--retry] [--max-foreign-load 10]
// Runs the workload app (tests/OtelProfiles.Workload, --mode) or one of the BenchmarkDotNet service workloads
// (bench/OtelProfiles.Benchmarks, --workload) alternately without and with profiling (default settings, file exporter), so drift on a
// noisy machine hits both sides alike, and reports the median throughput ratio, CPU time, peak working set and the
// sampler's effective per-thread rate. Throughput and CPU time are the steady state: each run first works for
// --warmup seconds (profiler start, rundown, JIT) uncounted; the CPU time that start took is reported apart. Exits 1 when the median overhead exceeds --max-overhead percent (with
// --retry, only when it still does over the rounds of a second measurement added to the first).
// The "OVERHEAD rounds=... ratio=... overhead_percent=..." line before the PASS/FAIL verdict is for scripts.
// Rounds during which other processes used more than --max-foreign-load percent of the machine are marked
// "disturbed" and left out of the medians when at least half of the rounds (and three) are clean.
var settings = Settings.Parse(args);
string workload = Workload.FindDll(settings);
Console.WriteLine($"Overhead check: {settings.Rounds} rounds x {settings.Seconds} s after {settings.WarmupSeconds} s warmup, {settings.Describe()}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage.Text()}");

var report = await Measure(settings, workload);
report.Print();
if (report.MedianOverheadPercent > settings.MaxOverheadPercent && settings.Retry)
{
    // The verdict then covers both measurements: twice the rounds, so a noisy first pass cannot decide alone.
    Console.WriteLine($"Median overhead {report.MedianOverheadPercent:0.0}% exceeds {settings.MaxOverheadPercent}%: measuring once more.");
    Report again = await Measure(settings, workload);
    report = new Report([.. report.AllRounds, .. again.AllRounds], settings);
    Console.WriteLine($"Both measurements ({report.AllRounds.Count} rounds):");
    report.Print();
}

Console.WriteLine($"load average after: {LoadAverage.Text()}");
Console.WriteLine(report.ResultLine());
if (report.MedianOverheadPercent > settings.MaxOverheadPercent)
{
    Console.WriteLine($"FAIL: median overhead {report.MedianOverheadPercent:0.0}% > {settings.MaxOverheadPercent}%{report.NoiseNote}");
    return 1;
}

Console.WriteLine($"PASS: median overhead {report.MedianOverheadPercent:0.0}% <= {settings.MaxOverheadPercent}%{report.NoiseNote}");
return 0;

static async Task<Report> Measure(Settings settings, string workload)
{
    var rounds = new List<Round>();
    for (int round = 0; round < settings.Rounds; round++)
    {
        // Alternate which side goes first.
        bool profiledFirst = round % 2 == 1;
        Run first = await Workload.RunAsync(workload, settings, profiled: profiledFirst);
        Run second = await Workload.RunAsync(workload, settings, profiled: !profiledFirst);
        Run off = profiledFirst ? second : first;
        Run on = profiledFirst ? first : second;
        rounds.Add(new Round(off, on));
        Round measured = rounds[^1];
        Console.WriteLine(FormattableString.Invariant(
            $"  round {round + 1}: off {off.OpsPerSecond,8:0.0} ops/s  on {on.OpsPerSecond,8:0.0} ops/s  ratio {on.OpsPerSecond / off.OpsPerSecond:0.000}  effective {on.EffectiveHz:0.0} Hz/thread  paused {on.PausedPercent:0.00}%{(settings.BenchWorkload is null ? "" : FormattableString.Invariant($"  GC pauses {off.GcPausePercent:0.00}%/{on.GcPausePercent:0.00}%"))}  foreign load {off.ForeignLoad:P0}/{on.ForeignLoad:P0}{(measured.IsDisturbed(settings) ? " (disturbed)" : "")}"));
    }

    return new Report(rounds, settings);
}

internal sealed record Settings(int Rounds, int Seconds, string Mode, double MaxOverheadPercent, bool Retry, double MaxForeignLoadPercent = 10, int WarmupSeconds = 3, string? BenchWorkload = null)
{
    public string Describe() => BenchWorkload is null ? $"mode {Mode}" : $"benchmark workload {BenchWorkload}";

    public static Settings Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Settings(
            int.Parse(Value("--rounds", "5"), CultureInfo.InvariantCulture),
            int.Parse(Value("--seconds", "10"), CultureInfo.InvariantCulture),
            Value("--mode", "cpu"),
            double.Parse(Value("--max-overhead", "5"), CultureInfo.InvariantCulture),
            args.Contains("--retry"),
            double.Parse(Value("--max-foreign-load", "10"), CultureInfo.InvariantCulture),
            int.Parse(Value("--warmup", "3"), CultureInfo.InvariantCulture),
            Value("--workload", "") is { Length: > 0 } bench ? bench : null);
    }
}

internal sealed record Run(double OpsPerSecond, double CpuMsPerOp, long PeakWorkingSetKb, double EffectiveHz, long ExportBytes, double GzipKbPerMinute = 0, double ForeignLoad = 0, double PausedPercent = 0, double WarmupCpuMs = 0, double ProfilerCpuPercent = 0, double TieringCpuPercent = 0, long GcHeapKb = 0, double WarmupThreadsCpuMs = 0, double EndedThreadsCpuPercent = 0, double GcPausePercent = 0, int GcCount = 0, double CoresBusy = 0);

internal sealed record Round(Run Off, Run On)
{
    public double Ratio => On.OpsPerSecond / Off.OpsPerSecond;

    /// <summary>Another process took a noticeable share of the machine during either side of the pair.</summary>
    public bool IsDisturbed(Settings settings) => Math.Max(Off.ForeignLoad, On.ForeignLoad) * 100 > settings.MaxForeignLoadPercent;
}

internal sealed record Report(List<Round> AllRounds, Settings Settings)
{
    /// <summary>The rounds the medians use: the clean ones when enough are clean, otherwise all of them.</summary>
    public List<Round> Rounds
    {
        get
        {
            var clean = AllRounds.Where(r => !r.IsDisturbed(Settings)).ToList();
            return clean.Count >= Math.Max(3, (AllRounds.Count + 1) / 2) ? clean : AllRounds;
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Said next to the verdict when it rests on rounds other processes disturbed.</summary>
    public string NoiseNote => Rounds.Any(r => r.IsDisturbed(Settings)) ? " (machine busy during the measurement: the verdict is noisy)" : string.Empty;

    public double MedianRatio => Median(Rounds.Select(r => r.Ratio));

    public double MedianOverheadPercent => (1 - MedianRatio) * 100;

    /// <summary>
    /// CPU of threads that ended within the counted window, profiling on minus off, as a share of the process's CPU:
    /// the runtime's threads that live only while a sampler window is open (the sampling thread and the session's
    /// flush thread). Null when the workload itself ends threads (more than 1% of its CPU with profiling off, as the
    /// lock workload's per-operation threads do): then the difference is the workload's noise, not the profiler.
    /// Null as well for the workload app, which does not report its threads.
    /// </summary>
    public double? WindowThreadsCpuPercent
    {
        get
        {
            if (Settings.BenchWorkload is null)
            {
                return null;
            }

            double off = Median(Rounds.Select(r => r.Off.EndedThreadsCpuPercent));
            double on = Median(Rounds.Select(r => r.On.EndedThreadsCpuPercent));
            return off > 1 ? null : Math.Max(0, on - off);
        }
    }

    /// <summary>
    /// What the profiler demonstrably took from the app in the counted window: the time it kept the app paused, plus
    /// the CPU of its own threads and of the runtime's per-window threads as a share of the process's CPU.
    /// Accounting, so the machine's speed drift does not move it; what it cannot see (cache effects, a thread paused
    /// while others wait on it) is what the throughput ratio is for.
    /// </summary>
    public double DirectCostPercent =>
        Median(Rounds.Select(r => r.On.PausedPercent + r.On.ProfilerCpuPercent)) + (WindowThreadsCpuPercent ?? 0);

    /// <summary>
    /// A 90% bootstrap interval of the median ratio (rounds resampled with replacement, fixed seed so a report can be
    /// recomputed): how far the machine's noise could move the headline number.
    /// </summary>
    public (double Low, double High) RatioInterval
    {
        get
        {
            double[] ratios = Rounds.Select(r => r.Ratio).ToArray();
            var random = new Random(20261126);
            var medians = new double[2000];
            var resample = new double[ratios.Length];
            for (int b = 0; b < medians.Length; b++)
            {
                for (int i = 0; i < resample.Length; i++)
                {
                    resample[i] = ratios[random.Next(ratios.Length)];
                }

                medians[b] = Median(resample);
            }

            Array.Sort(medians);
            return (medians[(int)(medians.Length * 0.05)], medians[(int)(medians.Length * 0.95) - 1]);
        }
    }

    /// <summary>
    /// The profiler's start (sessions, rundown, JIT and tier-up of its own code) as CPU time: its threads and the
    /// tiering thread during the warmup, minus the tiering thread's CPU with profiling off. Accounting, not the warmup's
    /// total CPU, which a saturated machine spends in full either way. Zero for the workload app, which does not report threads.
    /// </summary>
    public double StartupCpuMs => Median(Rounds.Select(r => r.On.WarmupThreadsCpuMs)) - Median(Rounds.Select(r => r.Off.WarmupThreadsCpuMs));

    public void Print()
    {
        int disturbed = AllRounds.Count(r => r.IsDisturbed(Settings));
        if (disturbed > 0)
        {
            Console.WriteLine(Rounds.Count < AllRounds.Count
                ? $"{disturbed} of {AllRounds.Count} rounds disturbed by other processes: medians over the {Rounds.Count} clean rounds"
                : $"{disturbed} of {AllRounds.Count} rounds disturbed by other processes, too many to leave out: medians over all rounds (noisy)");
        }

        double cpuOff = Median(Rounds.Select(r => r.Off.CpuMsPerOp));
        double cpuOn = Median(Rounds.Select(r => r.On.CpuMsPerOp));
        double wsOff = Median(Rounds.Select(r => (double)r.Off.PeakWorkingSetKb));
        double wsOn = Median(Rounds.Select(r => (double)r.On.PeakWorkingSetKb));
        (double low, double high) = RatioInterval;
        Console.WriteLine(FormattableString.Invariant($"median throughput ratio (on/off): {MedianRatio:0.000}  => overhead {MedianOverheadPercent:0.0}% (90% bootstrap interval of the ratio {low:0.000} to {high:0.000}; rounds {Rounds.Min(r => r.Ratio):0.000} to {Rounds.Max(r => r.Ratio):0.000})"));
        Console.WriteLine(FormattableString.Invariant($"median CPU time per op: off {cpuOff:0.000} ms, on {cpuOn:0.000} ms ({(cpuOn / cpuOff - 1) * 100:+0.0;-0.0}%)"));
        double warmOff = Median(Rounds.Select(r => r.Off.WarmupCpuMs));
        double warmOn = Median(Rounds.Select(r => r.On.WarmupCpuMs));
        Console.WriteLine(FormattableString.Invariant($"median CPU time of the {Settings.WarmupSeconds} s warmup (profiler start included, not in the ratio): off {warmOff:0} ms, on {warmOn:0} ms ({warmOn - warmOff:+0;-0} ms); profiler start in its threads and the tiering thread: {StartupCpuMs:0} ms"));
        Console.WriteLine(FormattableString.Invariant($"median peak working set: off {wsOff / 1024:0.0} MB, on {wsOn / 1024:0.0} MB (+{(wsOn - wsOff) / 1024:0.0} MB); managed heap off {Median(Rounds.Select(r => (double)r.Off.GcHeapKb)) / 1024:0.0} MB, on {Median(Rounds.Select(r => (double)r.On.GcHeapKb)) / 1024:0.0} MB"));
        // Only the benchmark workloads report their threads; the workload app's numbers would read as zero.
        if (Settings.BenchWorkload is not null)
        {
            Console.WriteLine(FormattableString.Invariant($"median CPU of the profiler's threads: {Median(Rounds.Select(r => r.On.ProfilerCpuPercent)):0.00}% of the process's CPU; tiered-compilation thread off {Median(Rounds.Select(r => r.Off.TieringCpuPercent)):0.00}%, on {Median(Rounds.Select(r => r.On.TieringCpuPercent)):0.00}%"));
            string windowThreads = WindowThreadsCpuPercent is { } w
                ? FormattableString.Invariant($"{w:0.00}% (on − off)")
                : "not separable: the workload ends threads of its own, not counted";
            Console.WriteLine(FormattableString.Invariant($"median CPU of threads that ended in the window: off {Median(Rounds.Select(r => r.Off.EndedThreadsCpuPercent)):0.00}%, on {Median(Rounds.Select(r => r.On.EndedThreadsCpuPercent)):0.00}%; the runtime's per-window sampler threads: {windowThreads}"));
            Console.WriteLine(FormattableString.Invariant($"direct cost (paused + profiler threads + per-window threads): {DirectCostPercent:0.00}%"));
            // Indirect costs land in the app's own time: longer or more frequent collections, or cores left idle.
            Console.WriteLine(FormattableString.Invariant($"median GC pauses: off {Median(Rounds.Select(r => r.Off.GcPausePercent)):0.00}% of the window ({Median(Rounds.Select(r => (double)r.Off.GcCount)):0} collections), on {Median(Rounds.Select(r => r.On.GcPausePercent)):0.00}% ({Median(Rounds.Select(r => (double)r.On.GcCount)):0}); cores busy: off {Median(Rounds.Select(r => r.Off.CoresBusy)):0.00}, on {Median(Rounds.Select(r => r.On.CoresBusy)):0.00}"));
        }

        Console.WriteLine(FormattableString.Invariant($"median effective sampling rate: {Median(Rounds.Select(r => r.On.EffectiveHz)):0.0} Hz per thread, app paused by the sampler {Median(Rounds.Select(r => r.On.PausedPercent)):0.00}% of the time"));
        Console.WriteLine(FormattableString.Invariant($"median export size: {Median(Rounds.Select(r => (double)r.On.ExportBytes)) / 1024:0.0} KB per run, {Median(Rounds.Select(r => r.On.GzipKbPerMinute)):0.0} KB/min gzip-compressed"));
    }

    /// <summary>One line with every headline number, for scripts and CI logs.</summary>
    public string ResultLine()
    {
        double cpuOff = Median(Rounds.Select(r => r.Off.CpuMsPerOp));
        double cpuOn = Median(Rounds.Select(r => r.On.CpuMsPerOp));
        double wsDelta = (Median(Rounds.Select(r => (double)r.On.PeakWorkingSetKb)) - Median(Rounds.Select(r => (double)r.Off.PeakWorkingSetKb))) / 1024;
        (double low, double high) = RatioInterval;
        return FormattableString.Invariant(
            $"OVERHEAD rounds={Rounds.Count}/{AllRounds.Count} ratio={MedianRatio:0.000} ratio_low={low:0.000} ratio_high={high:0.000} startup_cpu_ms={StartupCpuMs:0} overhead_percent={MedianOverheadPercent:0.0} cpu_percent={(cpuOn / cpuOff - 1) * 100:0.0} ws_delta_mb={wsDelta:0.0} effective_hz={Median(Rounds.Select(r => r.On.EffectiveHz)):0.0} paused_percent={Median(Rounds.Select(r => r.On.PausedPercent)):0.00} profiler_cpu_percent={Median(Rounds.Select(r => r.On.ProfilerCpuPercent)):0.00} window_threads_percent={(WindowThreadsCpuPercent is { } wt ? wt.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} direct_cost_percent={DirectCostPercent:0.00} export_kb_per_min={Median(Rounds.Select(r => r.On.GzipKbPerMinute)):0.0}");
    }
}

internal static partial class Workload
{
    public static string FindDll(Settings settings)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "OtelProfiles.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string path = settings.BenchWorkload is null
            ? Path.Combine(dir ?? ".", "tests", "OtelProfiles.Workload", "bin", configuration, "net10.0", "OtelProfiles.Workload.dll")
            : Path.Combine(dir ?? ".", "bench", "OtelProfiles.Benchmarks", "bin", configuration, "net10.0", "OtelProfiles.Benchmarks.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {Path.GetFileNameWithoutExtension(path)} first.", path);
    }

    public static async Task<Run> RunAsync(string dll, Settings settings, bool profiled)
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-overhead-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        MachineLoad load = MachineLoad.Start();
        start.ArgumentList.Add(dll);
        if (settings.BenchWorkload is null)
        {
            start.ArgumentList.Add(settings.Seconds.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(settings.Mode);
        }
        else
        {
            // The benchmark workloads write their profiles to ROOT/PID (BenchEnvironment).
            start.ArgumentList.Add("steady");
            start.ArgumentList.Add(settings.BenchWorkload);
            start.ArgumentList.Add(settings.Seconds.ToString(CultureInfo.InvariantCulture));
            start.Environment["OTELPROFILES_BENCH_EXPORT_ROOT"] = directory;
        }

        start.ArgumentList.Add(settings.WarmupSeconds.ToString(CultureInfo.InvariantCulture));
        start.Environment["OTEL_PROFILES_ENABLED"] = profiled ? "true" : "false";
        start.Environment["OTEL_PROFILES_EXPORTER"] = "file";
        start.Environment["OTEL_PROFILES_FILE_DIRECTORY"] = directory;
        using var process = Process.Start(start)!;
        int pid = process.Id;
        load.Watch(process);
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        double foreignLoad = load.ForeignFraction();
        Match done = DoneLine().Match(output);
        if (process.ExitCode != 0 || !done.Success)
        {
            throw new InvalidOperationException($"workload failed ({process.ExitCode}):\n{output}\n{await error}");
        }

        long ops = long.Parse(done.Groups["ops"].Value, CultureInfo.InvariantCulture);
        // The benchmark workloads also say how their threads spent the window and how big the managed heap is.
        Match threads = ThreadsPart().Match(output);
        double profilerCpuMs = threads.Success ? double.Parse(threads.Groups["profiler"].Value, CultureInfo.InvariantCulture) : 0;
        double tieringCpuMs = threads.Success ? double.Parse(threads.Groups["tiering"].Value, CultureInfo.InvariantCulture) : 0;
        long gcHeapKb = threads.Success ? long.Parse(threads.Groups["heap"].Value, CultureInfo.InvariantCulture) : 0;
        double endedThreadsMs = threads.Success && threads.Groups["ended"].Success ? double.Parse(threads.Groups["ended"].Value, CultureInfo.InvariantCulture) : 0;
        Match gc = GcPart().Match(output);
        double gcPauseMs = gc.Success ? double.Parse(gc.Groups["pause"].Value, CultureInfo.InvariantCulture) : 0;
        int gcCount = gc.Success ? int.Parse(gc.Groups["count"].Value, CultureInfo.InvariantCulture) : 0;
        // Profiler threads plus the tiering thread before the window: with profiling off only the app's own tiering.
        double warmupThreadsMs = threads.Success ? double.Parse(threads.Groups["wprofiler"].Value, CultureInfo.InvariantCulture) + double.Parse(threads.Groups["wtiering"].Value, CultureInfo.InvariantCulture) : 0;
        // The benchmark workloads count whole operations until the time is up and say how long that took.
        double seconds = done.Groups["elapsed"].Success ? double.Parse(done.Groups["elapsed"].Value, CultureInfo.InvariantCulture) / 1000 : settings.Seconds;
        double cpuMs = double.Parse(done.Groups["cpu"].Value, CultureInfo.InvariantCulture);
        long peak = long.Parse(done.Groups["ws"].Value, CultureInfo.InvariantCulture);
        double warmupCpuMs = double.Parse(done.Groups["warmup"].Value, CultureInfo.InvariantCulture);
        // Samples per second each thread received, export size (raw, and gzip per minute as the OTLP exporter sends
        // it) and the share of time the sampler kept the app paused, all from the exported files.
        string exportDirectory = settings.BenchWorkload is null ? directory : Path.Combine(directory, pid.ToString(CultureInfo.InvariantCulture));
        ExportFiles exports = profiled ? ExportFiles.Read(exportDirectory) : ExportFiles.Empty;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return new Run(ops / seconds, cpuMs / Math.Max(1, ops), peak, exports.EffectiveHz, exports.RawBytes, exports.GzipBytesPerMinute / 1024, foreignLoad, exports.PausedPercent, warmupCpuMs,
            cpuMs > 0 ? profilerCpuMs * 100 / cpuMs : 0, cpuMs > 0 ? tieringCpuMs * 100 / cpuMs : 0, gcHeapKb, warmupThreadsMs,
            cpuMs > 0 ? endedThreadsMs * 100 / cpuMs : 0, gcPauseMs * 100 / (seconds * 1000), gcCount, cpuMs / (seconds * 1000));
    }

    [GeneratedRegex(@"WORKLOAD DONE .*ops=(?<ops>\d+)( elapsed_ms=(?<elapsed>\d+))? cpu_ms=(?<cpu>\d+) peak_ws_kb=(?<ws>\d+) warmup_cpu_ms=(?<warmup>\d+)")]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"gc_heap_kb=(?<heap>\d+) .*profiler_threads_cpu_ms=(?<profiler>\d+) tiering_cpu_ms=(?<tiering>\d+) warmup_profiler_cpu_ms=(?<wprofiler>\d+) warmup_tiering_cpu_ms=(?<wtiering>\d+)( ended_threads_cpu_ms=(?<ended>\d+))?")]
    private static partial Regex ThreadsPart();

    [GeneratedRegex(@"gc_pause_ms=(?<pause>\d+) gc_count=(?<count>\d+)")]
    private static partial Regex GcPart();
}

internal static class LoadAverage
{
    /// <summary>The 1, 5 and 15 minute load averages (Linux): a ratio measured while they exceed the core count is noisy.</summary>
    public static string Text()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
