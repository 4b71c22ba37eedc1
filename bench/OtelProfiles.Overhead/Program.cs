using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

// Usage: OtelProfiles.Overhead [--rounds 5] [--seconds 10] [--mode cpu|json] [--max-overhead 5] [--retry]
// Runs the workload app alternately without and with profiling (default settings, file exporter), so drift on a
// noisy machine hits both sides alike, and reports the median throughput ratio, CPU time, peak working set and the
// sampler's effective per-thread rate. Exits 1 when the median overhead exceeds --max-overhead percent.
var settings = Settings.Parse(args);
string workload = Workload.FindDll();
Console.WriteLine($"Overhead check: {settings.Rounds} rounds x {settings.Seconds} s, mode {settings.Mode}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

var report = await Measure(settings, workload);
report.Print();
if (report.MedianOverheadPercent > settings.MaxOverheadPercent && settings.Retry)
{
    Console.WriteLine($"Median overhead {report.MedianOverheadPercent:0.0}% exceeds {settings.MaxOverheadPercent}%: measuring once more.");
    report = await Measure(settings, workload);
    report.Print();
}

if (report.MedianOverheadPercent > settings.MaxOverheadPercent)
{
    Console.WriteLine($"FAIL: median overhead {report.MedianOverheadPercent:0.0}% > {settings.MaxOverheadPercent}%");
    return 1;
}

Console.WriteLine($"PASS: median overhead {report.MedianOverheadPercent:0.0}% <= {settings.MaxOverheadPercent}%");
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
        Console.WriteLine(FormattableString.Invariant(
            $"  round {round + 1}: off {off.OpsPerSecond,8:0.0} ops/s  on {on.OpsPerSecond,8:0.0} ops/s  ratio {on.OpsPerSecond / off.OpsPerSecond:0.000}  effective {on.EffectiveHz:0.0} Hz/thread"));
    }

    return new Report(rounds);
}

internal sealed record Settings(int Rounds, int Seconds, string Mode, double MaxOverheadPercent, bool Retry)
{
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
            args.Contains("--retry"));
    }
}

internal sealed record Run(double OpsPerSecond, double CpuMsPerOp, long PeakWorkingSetKb, double EffectiveHz, long ExportBytes);

internal sealed record Round(Run Off, Run On)
{
    public double Ratio => On.OpsPerSecond / Off.OpsPerSecond;
}

internal sealed record Report(List<Round> Rounds)
{
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public double MedianRatio => Median(Rounds.Select(r => r.Ratio));

    public double MedianOverheadPercent => (1 - MedianRatio) * 100;

    public void Print()
    {
        double cpuOff = Median(Rounds.Select(r => r.Off.CpuMsPerOp));
        double cpuOn = Median(Rounds.Select(r => r.On.CpuMsPerOp));
        double wsOff = Median(Rounds.Select(r => (double)r.Off.PeakWorkingSetKb));
        double wsOn = Median(Rounds.Select(r => (double)r.On.PeakWorkingSetKb));
        Console.WriteLine(FormattableString.Invariant($"median throughput ratio (on/off): {MedianRatio:0.000}  => overhead {MedianOverheadPercent:0.0}%"));
        Console.WriteLine(FormattableString.Invariant($"median CPU time per op: off {cpuOff:0.000} ms, on {cpuOn:0.000} ms ({(cpuOn / cpuOff - 1) * 100:+0.0;-0.0}%)"));
        Console.WriteLine(FormattableString.Invariant($"median peak working set: off {wsOff / 1024:0.0} MB, on {wsOn / 1024:0.0} MB (+{(wsOn - wsOff) / 1024:0.0} MB)"));
        Console.WriteLine(FormattableString.Invariant($"median effective sampling rate: {Median(Rounds.Select(r => r.On.EffectiveHz)):0.0} Hz per thread"));
        Console.WriteLine(FormattableString.Invariant($"median export size: {Median(Rounds.Select(r => (double)r.On.ExportBytes)) / 1024:0.0} KB per run"));
    }
}

internal static partial class Workload
{
    public static string FindDll()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "OtelProfiles.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string path = Path.Combine(dir ?? ".", "tests", "OtelProfiles.Workload", "bin", configuration, "net10.0", "OtelProfiles.Workload.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/OtelProfiles.Workload first.", path);
    }

    public static async Task<Run> RunAsync(string dll, Settings settings, bool profiled)
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-overhead-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(settings.Seconds.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(settings.Mode);
        start.Environment["OTEL_PROFILES_ENABLED"] = profiled ? "true" : "false";
        start.Environment["OTEL_PROFILES_EXPORTER"] = "file";
        start.Environment["OTEL_PROFILES_FILE_DIRECTORY"] = directory;
        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Match done = DoneLine().Match(output);
        if (process.ExitCode != 0 || !done.Success)
        {
            throw new InvalidOperationException($"workload failed ({process.ExitCode}):\n{output}\n{await error}");
        }

        long ops = long.Parse(done.Groups["ops"].Value, CultureInfo.InvariantCulture);
        double cpuMs = double.Parse(done.Groups["cpu"].Value, CultureInfo.InvariantCulture);
        long peak = long.Parse(done.Groups["ws"].Value, CultureInfo.InvariantCulture);
        (double hz, long bytes) = profiled ? EffectiveRate(directory) : (0, 0);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return new Run(ops / (double)settings.Seconds, cpuMs / Math.Max(1, ops), peak, hz, bytes);
    }

    // Ticks per second of wall time over all exported intervals: samples per second each thread received.
    private static (double Hz, long Bytes) EffectiveRate(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return (0, 0);
        }

        double ticks = 0;
        double seconds = 0;
        long bytes = 0;
        foreach (string file in Directory.GetFiles(directory, "*.pb"))
        {
            byte[] data = File.ReadAllBytes(file);
            bytes += data.Length;
            var request = ExportProfilesServiceRequest.Parser.ParseFrom(data);
            var profile = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
            var d = request.Dictionary;
            foreach (int index in profile.AttributeIndices)
            {
                if (d.StringTable[d.AttributeTable[index].KeyStrindex] == "dotnet.sampling.ticks")
                {
                    ticks += d.AttributeTable[index].Value.IntValue;
                    seconds += profile.DurationNano / 1e9;
                }
            }
        }

        return (seconds > 0 ? ticks / seconds : 0, bytes);
    }

    [GeneratedRegex(@"WORKLOAD DONE .*ops=(?<ops>\d+) cpu_ms=(?<cpu>\d+) peak_ws_kb=(?<ws>\d+)")]
    private static partial Regex DoneLine();
}
