using System.Diagnostics;
using System.Globalization;
using OtelProfiles.Benchmarks.Measurement;

namespace OtelProfiles.Benchmarks.Demo;

/// <summary>
/// The network budget: runs the Shop demo (samples/OtelProfiles.Sample.WebApi) under its own request load with the
/// default profiler settings and the file exporter, then reports what its OTLP exports weigh per minute, gzip-
/// compressed as they would cross the network. Compared with the 100–500 KB/min people budget for profiles.
/// </summary>
internal static class DemoExportSize
{
    /// <param name="seconds">How long the demo runs under load.</param>
    /// <param name="spanLinks">OTEL_PROFILES_SPAN_LINKS for the demo (all, recorded, local_root, none); null: the default.</param>
    /// <param name="overheadPercent">OTEL_PROFILES_SAMPLING_OVERHEAD for the demo (100: the full sampling rate); null: the default.</param>
    public static string Run(int seconds, string? spanLinks = null, string? overheadPercent = null)
    {
        string dll = FindSampleDll();
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-demo-export-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--self-load");
        start.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        // No collector endpoint: the demo then writes its profiles to files; loopback only, on a free port.
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment.Remove("OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT");
        start.Environment["OTEL_PROFILES_FILE_DIRECTORY"] = directory;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (spanLinks is not null)
        {
            start.Environment["OTEL_PROFILES_SPAN_LINKS"] = spanLinks;
        }

        if (overheadPercent is not null)
        {
            start.Environment["OTEL_PROFILES_SAMPLING_OVERHEAD"] = overheadPercent;
        }

        Console.WriteLine($"Running the demo under load for {seconds} s ...");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the demo did not start");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(seconds + 120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the demo did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the demo failed ({process.ExitCode}):\n{output}\n{error.Result}");
        }

        ExportFiles exports = ExportFiles.Read(directory);
        string requests = output.Split('\n').FirstOrDefault(l => l.StartsWith("Sent ", StringComparison.Ordinal))?.Trim() ?? "";
        Directory.Delete(directory, recursive: true);
        double kbPerMinute = exports.GzipBytesPerMinute / 1024;
        string verdict = kbPerMinute <= 100 ? "below the 100–500 KB/min range" : kbPerMinute <= 500 ? "within the 100–500 KB/min range" : "above the 100–500 KB/min range";
        return string.Create(CultureInfo.InvariantCulture, $"""
            | demo under load | value |
            |---|---|
            | load | {seconds} s of self-driven requests ({requests.TrimEnd('.')}) |
            | span links | {spanLinks ?? "all (default)"} |
            | sampling overhead budget | {overheadPercent ?? "1 (default)"} % |
            | export requests | {exports.Requests} over {exports.ProfiledSeconds:0} s of profiled time |
            | raw protobuf | {exports.RawBytes / 1024.0:0.0} KB |
            | gzip (as sent) | {exports.GzipBytes / 1024.0:0.0} KB |
            | **gzip per minute** | **{kbPerMinute:0.0} KB/min** ({verdict}) |
            | effective sampling rate | {exports.EffectiveHz:0.0} Hz per thread |
            | app paused by the sampler | {exports.PausedPercent:0.00}% of the time |
            | span tracking on the app's threads (estimated, charged to the budget) | {exports.SpanTrackingPercent:0.000}% of one core |
            | longer GC pauses with the profiler there (estimated, charged to the budget) | {exports.GcPauseExtraPercent:0.000}% of the time |
            """);
    }

    private static string FindSampleDll()
    {
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "samples", "OtelProfiles.Sample.WebApi", "bin", configuration, "net10.0", "OtelProfiles.Sample.WebApi.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Build samples/OtelProfiles.Sample.WebApi first (building this project builds it).");
    }
}
