using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// End to end: a child process adds AddOtlpProfiles(), runs known hot methods, and its CPU and wall profiles
/// arrive at a real OTLP receiver on 127.0.0.1.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class CoreProfilingTests
{
    private const string Secret = "Basic b3RlbHByb2ZpbGVzOnNlY3JldA==";

    private static Dictionary<string, string> Settings(Uri endpoint, string protocol, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=" + Uri.EscapeDataString(Secret),
            ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",

            // These tests check what the profiles say, so the sampler may run at its target whatever it costs: on a
            // 2-core machine with more busy threads than cores the default 1% budget allows about one sample a
            // second (SamplerBudgetIntegrationTests checks the budget itself).
            ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "100",
        };
        foreach ((string key, string value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Grpc_export_carries_hot_methods_names_resource_gzip_and_auth_header()
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync();

        WorkloadResult run = await WorkloadProcess.RunAsync(8, "json", Settings(receiver.GrpcEndpoint, "grpc"));

        Assert.True(run.Completed, run.Output);
        IReadOnlyList<ReceivedRequest> received = receiver.Requests;
        Assert.True(received.Count >= 2, $"expected several interval exports, got {received.Count}\n{run.Output}");
        Assert.All(received, r => Assert.Equal(ReceiverProtocol.Grpc, r.Protocol));
        Assert.All(received, r => Assert.Equal("gzip", r.Header("grpc-encoding")));
        Assert.All(received, r => Assert.Equal(Secret, r.Header("authorization")));
        Assert.DoesNotContain(Secret, run.Output, StringComparison.Ordinal);

        List<ExportProfilesServiceRequest> requests = received.Select(r => r.Request!).ToList();
        foreach (ExportProfilesServiceRequest request in requests)
        {
            ProfileInvariants.AssertValid(request);
            var serviceName = request.ResourceProfiles.Single().Resource.Attributes.Single(a => a.Key == "service.name");
            Assert.Equal("workload-under-test", serviceName.Value.StringValue);
            Assert.Equal("OtelProfiles", request.ResourceProfiles[0].ScopeProfiles[0].Scope.Name);
        }

        var profiles = requests.SelectMany(OtlpDecoder.Decode).ToList();
        var cpu = profiles.Where(p => p.PeriodType == "cpu/nanoseconds").ToList();
        var wall = profiles.Where(p => p.PeriodType == "wall/nanoseconds").ToList();
        Assert.NotEmpty(cpu);
        Assert.NotEmpty(wall);
        Assert.All(cpu, p => Assert.Equal("cpu/nanoseconds", p.SampleType));
        Assert.All(wall, p => Assert.Equal("samples/count", p.SampleType));

        // The synchronous hot method (two threads) is the top CPU function; the async one appears under its own name.
        var topCpu = cpu.SelfByFunction();
        Assert.True(topCpu[0].Key == "Shop.Checkout.ComputePrices", "top CPU functions: " + string.Join(", ", topCpu.Take(5)));
        Dictionary<string, long> cpuTotals = cpu.TotalByFunction();
        Assert.True(cpuTotals.ContainsKey("Shop.Checkout.PayAsync"), "functions: " + string.Join(", ", cpuTotals.Keys.Take(40)));
        Assert.DoesNotContain(cpuTotals.Keys, name => name.Contains("d__", StringComparison.Ordinal) || name.Contains("b__", StringComparison.Ordinal));
        Assert.DoesNotContain(cpuTotals.Keys, name => name.StartsWith("Shop.", StringComparison.Ordinal) && name.Contains("MoveNext", StringComparison.Ordinal));

        // The async method's frame keeps the runtime's name as its system name and the module as its file.
        Frame payFrame = cpu.SelectMany(p => p.Samples).SelectMany(s => s.Frames).First(f => f.Name == "Shop.Checkout.PayAsync");
        Assert.StartsWith("Shop.Checkout+<PayAsync>d__", payFrame.SystemName, StringComparison.Ordinal);
        Assert.Equal("OtelProfiles.Workload.dll", payFrame.FileName);

        // ReadyToRun framework code first run after start is named too (System.Text.Json serializes in the json mode).
        Assert.Contains(cpuTotals.Keys, name => name.StartsWith("System.Text.Json.", StringComparison.Ordinal));

        // At least 98% of sampled frames carry a managed method name.
        long frames = profiles.SelectMany(p => p.Samples).Sum(s => s.Frames.Count * s.Value);
        long unnamed = profiles.SelectMany(p => p.Samples).Sum(s => s.Frames.Count(f => f.Name.StartsWith('[')) * s.Value);
        Assert.True(unnamed <= frames * 0.02, $"{unnamed} of {frames} frames unnamed");

        // Samples name their thread; the profiler's own threads never appear.
        Assert.All(profiles.SelectMany(p => p.Samples), s => Assert.True(s.HasAttribute("thread.id")));
        Assert.Contains(profiles.SelectMany(p => p.Samples), s => s.HasAttribute("thread.name"));
        Assert.DoesNotContain(profiles.SelectMany(p => p.Samples), s => (s.GetAttribute("thread.name") ?? "").StartsWith("OtelProfiles", StringComparison.Ordinal));
        // Code that only runs on the profiler's threads (the readers, the sampler, the builder) is never in a profile.
        string[] profilerOnly = ["OtelProfiles.Collection.NetTrace.", "OtelProfiles.Collection.DutyCycledSampler.", "OtelProfiles.Building.", "OtelProfiles.Collection.ThreadSampleRecorder."];
        var leaked = profiles.SelectMany(p => p.Samples).Where(s => s.Frames.Any(f => profilerOnly.Any(p => f.Name.StartsWith(p, StringComparison.Ordinal)))).ToList();
        Assert.True(
            leaked.Count == 0,
            "profiler code in the profile:\n" + string.Join("\n", leaked.Select(s => string.Join(",", s.Attributes) + ": " + string.Join(" -> ", s.Frames.Select(f => f.Name)))));
    }

    [Fact]
    public async Task Http_export_retries_503_then_succeeds_with_gzip_to_the_profiles_path()
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(503, retryAfter: "1"), ReceiverReply.Ok);

        WorkloadResult run = await WorkloadProcess.RunAsync(5, "cpu", Settings(receiver.HttpBaseEndpoint, "http/protobuf"));

        Assert.True(run.Completed, run.Output);
        IReadOnlyList<ReceivedRequest> received = receiver.Requests;
        Assert.True(received.Count >= 2, $"got {received.Count} requests\n{run.Output}");
        Assert.Equal(503, received[0].Reply.HttpStatusCode);
        Assert.Equal(200, received[1].Reply.HttpStatusCode);
        Assert.All(received, r => Assert.Equal("/v1development/profiles", r.Path));
        Assert.All(received, r => Assert.Equal("gzip", r.ContentEncoding));
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));

        // The retry sent the same request again (same profile ids), after the 1 s the receiver asked for.
        Assert.Equal(ProfileIds(received[0].Request!), ProfileIds(received[1].Request!));
        Assert.True(received[1].ReceivedAt - received[0].ReceivedAt >= TimeSpan.FromSeconds(0.9));
        foreach (ReceivedRequest request in received)
        {
            ProfileInvariants.AssertValid(request.Request!);
        }
    }

    [Fact]
    public async Task A_receiver_that_is_down_never_hurts_the_app()
    {
        Uri closed = ClosedPort.Uri();

        WorkloadResult run = await WorkloadProcess.RunAsync(
            6,
            "cpu",
            Settings(closed, "grpc", ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"), ("OTEL_PROFILES_EXPORT_INTERVAL", "1000")),
            timeout: TimeSpan.FromSeconds(40));

        // The app finishes its work and shuts down on time; failures are logged, not thrown, and not repeated every interval.
        Assert.True(run.Completed, run.Output);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
        int failureLines = run.Output.Split('\n').Count(l => l.Contains("Profiles export to", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.InRange(failureLines, 1, 2);
        Assert.DoesNotContain(Secret, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_diagnostics_logs_one_warning_and_the_app_runs_on()
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync();

        WorkloadResult run = await WorkloadProcess.RunAsync(2, "cpu", Settings(receiver.GrpcEndpoint, "grpc", ("DOTNET_EnableDiagnostics", "0")));

        Assert.True(run.Completed, run.Output);
        Assert.Single(run.Output.Split('\n'), l => l.Contains("profiling could not start", StringComparison.Ordinal));
        Assert.Contains("DOTNET_EnableDiagnostics", run.Output, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task File_exporter_writes_one_parseable_request_per_interval()
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-files-" + Guid.NewGuid().ToString("N"));
        try
        {
            WorkloadResult run = await WorkloadProcess.RunAsync(5, "cpu", new Dictionary<string, string>
            {
                ["OTEL_PROFILES_EXPORTER"] = "file",
                ["OTEL_PROFILES_FILE_DIRECTORY"] = directory,
                ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",

                // An interval without samples sends nothing; without a budget every interval has samples.
                ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "100",
            });

            Assert.True(run.Completed, run.Output);
            string[] files = Directory.GetFiles(directory, "*.pb").Order(StringComparer.Ordinal).ToArray();
            Assert.True(files.Length >= 2, $"{files.Length} files\n{run.Output}");
            var requests = files.Select(f => ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f))).ToList();
            requests.ForEach(ProfileInvariants.AssertValid);

            // Intervals follow each other without gaps or overlaps.
            var starts = requests.Select(r => r.ResourceProfiles[0].ScopeProfiles[0].Profiles[0]).Select(p => (p.TimeUnixNano, p.DurationNano)).ToList();
            for (int i = 1; i < starts.Count; i++)
            {
                Assert.Equal(starts[i - 1].TimeUnixNano + starts[i - 1].DurationNano, starts[i].TimeUnixNano, 1_000_000UL);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Sample_weight_follows_the_sampling_interval_in_force()
    {
        // The runtime's interval in force comes from the stream header (1 ms by default, 10 ms with
        // DOTNET_EventPipeThreadSamplingRate=a, hex milliseconds); the period is the measured tick spacing, which can
        // never be shorter than that interval, and count × period adds up to the interval's wall time per thread.
        static async Task<List<DecodedProfile>> Run(params (string, string)[] extra)
        {
            string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-rate-" + Guid.NewGuid().ToString("N"));
            try
            {
                var settings = new Dictionary<string, string>
                {
                    ["OTEL_PROFILES_EXPORTER"] = "file",
                    ["OTEL_PROFILES_FILE_DIRECTORY"] = directory,
                    ["OTEL_PROFILES_EXPORT_INTERVAL"] = "1500",
                    ["OTEL_PROFILES_SAMPLING_FREQUENCY"] = "1000",
                    ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "100",
                };
                foreach ((string key, string value) in extra)
                {
                    settings[key] = value;
                }

                WorkloadResult run = await WorkloadProcess.RunAsync(4, "cpu", settings);
                Assert.True(run.Completed, run.Output);
                var requests = Directory.GetFiles(directory, "*.pb").Select(f => ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f))).ToList();
                return requests.SelectMany(OtlpDecoder.Decode).Where(p => p.DurationNano > 1_000_000_000).ToList();
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        var defaultProfiles = await Run();
        var slowProfiles = await Run(("DOTNET_EventPipeThreadSamplingRate", "a"));

        Assert.NotEmpty(defaultProfiles);
        Assert.NotEmpty(slowProfiles);
        foreach (var (profiles, intervalNs) in new[] { (defaultProfiles, 1_000_000L), (slowProfiles, 10_000_000L) })
        {
            foreach (var profile in profiles)
            {
                Assert.Equal(intervalNs, profile.IntAttribute("dotnet.sampling.interval"));
                long ticks = profile.IntAttribute("dotnet.sampling.ticks");
                Assert.True(profile.Period >= intervalNs * 0.95, $"period {profile.Period} below the interval in force {intervalNs}");
                Assert.Equal((double)profile.DurationNano, (double)ticks * profile.Period, (double)profile.Period);
            }
        }

        // A 10 ms interval in force makes every sample weigh at least 10 ms (more when a loaded machine stretches ticks).
        Assert.All(slowProfiles, p => Assert.True(p.Period >= 9_500_000, $"period {p.Period} ns"));
    }

    private static List<string> ProfileIds(ExportProfilesServiceRequest request) =>
        request.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).Select(p => p.ProfileId.ToBase64()).ToList();
}
