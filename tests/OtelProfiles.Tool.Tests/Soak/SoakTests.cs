using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OtelProfiles.Otlp;
using OtelProfiles.Tool.Demo;
using OtelProfiles.Tool.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace OtelProfiles.Tool.Tests.Soak;

/// <summary>
/// Issue 19's soak: the demo's sample app under load with every profile type on, exporting over OTLP/gRPC to a real
/// <c>otel-profiles serve</c>. After a warm-up its working set, open handles and threads are read every few seconds
/// and a least-squares line is fitted to each; every slope must be flat within a stated bound, and every export the
/// receiver got must be valid. Three minutes in CI; <c>OTEL_PROFILES_SOAK_MINUTES=60</c> runs the documented hour
/// (see docs/reliability.md, with <c>OTEL_PROFILES_SOAK_REPORT=path</c> to keep the numbers and the series).
/// </summary>
[Collection(SoakCollection.Name)]
[Trait("Category", "Soak")]
public class SoakTests(ITestOutputHelper output)
{
    /// <summary>Minutes of load (default 3, the CI run).</summary>
    public const string MinutesVariable = "OTEL_PROFILES_SOAK_MINUTES";

    /// <summary>A file to write the summary to, and the series next to it as CSV.</summary>
    public const string ReportVariable = "OTEL_PROFILES_SOAK_REPORT";

    // Bounds on the slopes after warm-up, per minute, from measured runs (docs/reliability.md, "Soak"). The app's
    // working set still grows in steps for its first minutes (see the hour run), so with no leak a
    // 3-minute run measured +2.1 to +8.2 MiB/min after 90 s; 16 is twice the largest. Handles moved -0.5 to 0 per
    // minute. Threads moved -2.5 to +3.5: the thread pool adds a few workers when the machine is busy and they stay
    // while the load lasts, a step that a 90 s window reads as a slope. A deliberate leak of one handle, one thread
    // or 1.5 MiB per export (12 exports a minute) measured +11.1, +12.5 and +31.9. The hour run resolves far less.
    private const double MaxWorkingSetMiBPerMinute = 16;
    private const double MaxHandlesPerMinute = 3;
    private const double MaxThreadsPerMinute = 8;

    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ExportInterval = TimeSpan.FromSeconds(5);

    // The sample's three endpoints, plus a request whose query does not bind: in the Development environment the
    // minimal API throws BadHttpRequestException for it (answered 400), so the exception profile has samples.
    private static readonly string[] Paths = ["/prices", "/checkout", "/orders", "/prices", "/checkout", "/orders", "/prices", "/prices?count=many"];

    [Fact]
    public async Task Sample_app_with_every_profile_type_stays_flat_under_load_and_every_export_is_valid()
    {
        var duration = Duration();
        var warmUp = TimeSpan.FromTicks(Math.Clamp(duration.Ticks / 2, TimeSpan.FromSeconds(30).Ticks, TimeSpan.FromMinutes(5).Ticks));
        using var serve = ServeProcess.Start("--max-storage", "8GiB");
        var appUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = appUrl.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            // The bad request's exception is the point, not its log: no error line with a stack trace per request.
            ["Logging__LogLevel__Microsoft.AspNetCore.Diagnostics"] = "None",
            ["OTEL_PROFILES_TYPES"] = "cpu,wall,alloc,inuse,lock,exception",
            // The hard limit of the sampling budget (default 1%): on a saturated two-core machine the default allows a
            // few stack samples a minute, and a leak per sample should show within the run.
            ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "5",
            ["OTEL_PROFILES_EXPORT_INTERVAL"] = ((int)ExportInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT"] = serve.GrpcEndpoint.ToString().TrimEnd('/'),
            // The sample also exports traces, metrics and logs; aim them at the test's receiver too (it answers
            // UNIMPLEMENTED), never at whatever listens on the default port 4317.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = serve.GrpcEndpoint.ToString().TrimEnd('/'),
        };
        using var app = SampleAppProcess.Start(environment);
        Assert.True(
            await LoadDriver.WaitUntilUpAsync(new Uri(appUrl, "/"), TimeSpan.FromMinutes(2), () => app.HasExited, CancellationToken.None),
            $"the sample app did not start:\n{app.Tail()}");

        var clock = Stopwatch.StartNew();
        var load = LoadDriver.RunAsync(appUrl, Paths, concurrency: 4, duration, CancellationToken.None);
        var series = new List<ProcessGauges>();
        while (!load.IsCompleted)
        {
            Assert.False(app.HasExited, $"the sample app exited during the soak:\n{app.Tail()}");
            series.Add(ProcessGauges.Read(app.Id, clock.Elapsed));
            await Task.WhenAny(load, Task.Delay(ReadEvery));
        }

        var requests = await load;
        Assert.False(app.HasExited, $"the sample app exited during the soak:\n{app.Tail()}");
        series.Add(ProcessGauges.Read(app.Id, clock.Elapsed));

        // One more interval so the last profiles reach the receiver, then the app stops and the store is read.
        await Task.Delay(ExportInterval + TimeSpan.FromSeconds(2));
        var health = await Health(serve);
        app.Dispose();
        var exports = CheckStoredExports(serve.DatabasePath);

        var measured = series.Where(s => s.Elapsed >= warmUp).ToList();
        double Slope(Func<ProcessGauges, double> value) =>
            LeastSquares.Slope(measured.Select(s => (s.Elapsed.TotalMinutes, value(s))).ToList());
        var workingSetSlope = Slope(s => s.WorkingSetBytes / 1048576.0);
        var handleSlope = Slope(s => s.Handles);
        var threadSlope = Slope(s => s.Threads);

        var report = new StringBuilder();
        void Line(FormattableString text) => report.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"soak: {duration.TotalMinutes:0.#} min of load ({warmUp.TotalSeconds:0} s warm-up), {series.Count} readings ({measured.Count} after warm-up) every {ReadEvery.TotalSeconds:0} s, {Environment.ProcessorCount} cores");
        Line($"load: {requests.Requests} requests, {requests.Failures} failures (5xx or no answer)");
        Line($"working set: slope {workingSetSlope:+0.00;-0.00} MiB/min (bound {MaxWorkingSetMiBPerMinute}), after warm-up {Mib(measured[0].WorkingSetBytes):0.0} MiB, peak {Mib(series.Max(s => s.WorkingSetBytes)):0.0} MiB, final {Mib(series[^1].WorkingSetBytes):0.0} MiB");
        Line($"handles: slope {handleSlope:+0.00;-0.00}/min (bound {MaxHandlesPerMinute}), after warm-up {measured[0].Handles}, min {measured.Min(s => s.Handles)}, max {measured.Max(s => s.Handles)}, final {series[^1].Handles}");
        Line($"threads: slope {threadSlope:+0.00;-0.00}/min (bound {MaxThreadsPerMinute}), after warm-up {measured[0].Threads}, min {measured.Min(s => s.Threads)}, max {measured.Max(s => s.Threads)}, final {series[^1].Threads}");
        Line($"receiver: {health.Accepted} exports accepted, {health.Rejected} rejected; {exports.Batches} stored batches decoded and checked ({exports.Bytes / 1048576.0:0.0} MiB), {exports.Problems.Count} with problems");
        Line($"profiles by type: {string.Join(", ", exports.ProfilesByType.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Profiles} ({p.Value.Samples} samples)"))}");
        Line($"profiler warnings in the app's log: {app.ProfilerWarnings.Count}");
        output.WriteLine(report.ToString());
        foreach (var warning in app.ProfilerWarnings.Take(10))
        {
            output.WriteLine("  " + warning);
        }

        WriteReport(report.ToString(), series);

        Assert.True(requests.Requests > 0 && requests.Failures <= requests.Requests / 100, $"the load failed: {requests}");
        Assert.True(measured.Count >= 10, $"only {measured.Count} readings after warm-up");
        Assert.True(workingSetSlope < MaxWorkingSetMiBPerMinute, $"working set grows {workingSetSlope:0.00} MiB/min after warm-up (bound {MaxWorkingSetMiBPerMinute})\n{report}");
        Assert.True(handleSlope < MaxHandlesPerMinute, $"open handles grow {handleSlope:0.00}/min after warm-up (bound {MaxHandlesPerMinute})\n{report}");
        Assert.True(threadSlope < MaxThreadsPerMinute, $"threads grow {threadSlope:0.00}/min after warm-up (bound {MaxThreadsPerMinute})\n{report}");

        // Every export valid: the receiver rejected none, each stored one decodes, passes the receiver's validation
        // again and has every dictionary index in range (an independent check), and they kept coming all along.
        Assert.Equal(0, health.Rejected);
        Assert.Empty(exports.Problems);
        var expected = (long)(duration / ExportInterval);
        Assert.True(health.Accepted >= expected / 2, $"{health.Accepted} exports accepted, at least {expected / 2} expected in {duration.TotalMinutes:0.#} min");
        Assert.True(exports.Batches >= expected / 2, $"{exports.Batches} stored batches, at least {expected / 2} expected");
        // Each of the six types sent profiles (the load makes lock contention of its own; every measured run had some).
        foreach (var type in new[] { "cpu/nanoseconds", "wall", "memory:alloc", "memory:inuse", "mutex:", "exceptions" })
        {
            Assert.True(exports.ProfilesByType.Keys.Any(k => k.StartsWith(type, StringComparison.Ordinal)), $"no {type} profile arrived: {report}");
        }

        Assert.Empty(app.ProfilerWarnings);
    }

    private static TimeSpan Duration()
    {
        var text = Environment.GetEnvironmentVariable(MinutesVariable);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? TimeSpan.FromMinutes(minutes)
            : TimeSpan.FromMinutes(3);
    }

    private static double Mib(long bytes) => bytes / 1048576.0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(long Accepted, long Rejected)> Health(ServeProcess serve)
    {
        using var http = new HttpClient { BaseAddress = serve.HttpEndpoint, Timeout = TimeSpan.FromSeconds(60) };
        var json = JsonDocument.Parse(await http.GetStringAsync("/healthz")).RootElement;
        return (json.GetProperty("accepted").GetInt64(), json.GetProperty("rejected").GetInt64());
    }

    private sealed record StoredExports(int Batches, long Bytes, List<string> Problems, Dictionary<string, (long Profiles, long Samples)> ProfilesByType);

    /// <summary>Reads every stored request back from the receiver's database and checks it.</summary>
    private static StoredExports CheckStoredExports(string databasePath)
    {
        var problems = new List<string>();
        var byType = new Dictionary<string, (long Profiles, long Samples)>(StringComparer.Ordinal);
        int batches = 0;
        long bytes = 0;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            // Trace batches (the app's spans) are stored with an empty payload: only profile exports are checked.
            command.CommandText = "SELECT id, payload FROM batches WHERE length(payload) > 0 ORDER BY id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                batches++;
                var payload = (byte[])reader["payload"];
                bytes += payload.Length;
                var id = reader.GetInt64(0);
                var request = OtlpPayload.TryParse(payload, out var error);
                if (request is null)
                {
                    problems.Add($"batch {id}: {error}");
                    continue;
                }

                // The receiver stored it, so it passed the receiver's rules; the library's exports must pass the strict ones.
                var strict = OtlpRequestValidator.Validate(request, ValidationRules.Strict);
                if (strict.Count > 0)
                {
                    problems.Add($"batch {id}: {string.Join("; ", strict)}");
                }
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT profile_type, COUNT(*), SUM(sample_count) FROM profiles GROUP BY profile_type";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                byType[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        return new StoredExports(batches, bytes, problems, byType);
    }

    private static void WriteReport(string summary, List<ProcessGauges> series)
    {
        var path = Environment.GetEnvironmentVariable(ReportVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        File.WriteAllText(path, summary);
        var csv = new StringBuilder("seconds,working_set_bytes,handles,threads\n");
        foreach (var s in series)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s.Elapsed.TotalSeconds:0.0},{s.WorkingSetBytes},{s.Handles},{s.Threads}\n");
        }

        File.WriteAllText(path + ".csv", csv.ToString());
    }
}
