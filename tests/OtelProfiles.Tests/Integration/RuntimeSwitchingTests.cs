using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Resources;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// Switching profile types while the app runs (SetProfileTypes and configuration reload), in this test process:
/// the next export holds exactly the new types, and many switches leave no thread, session or descriptor behind.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class RuntimeSwitchingTests
{
    private readonly ITestOutputHelper _output;

    public RuntimeSwitchingTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Switching_types_changes_what_the_next_export_contains()
    {
        using var app = await ProfiledApp.StartAsync(ProfileTypes.Cpu);
        ContinuousProfiler profiler = app.Profiler;
        Assert.Equal(ProfileTypes.Cpu, profiler.ActiveProfileTypes);

        KnownWork.Burn(TimeSpan.FromSeconds(1));
        profiler.SetProfileTypes(ProfileTypes.Allocations | ProfileTypes.Exceptions);
        Assert.Equal(ProfileTypes.Allocations | ProfileTypes.Exceptions, profiler.ActiveProfileTypes);

        // The switch exported the CPU interval; the next export holds only the new types.
        Assert.Contains("cpu/nanoseconds", app.Flush().Select(p => p.PeriodType));
        KnownWork.AllocateAndThrow(TimeSpan.FromSeconds(1));
        var events = app.Flush();
        Assert.Equal(["alloc_objects/count", "alloc_space/bytes", "exceptions/count"], events.Select(p => p.SampleType).Distinct().Order());
        Assert.Contains(events.Where(p => p.SampleType == "exceptions/count").SelectMany(p => p.Samples), s => s.Leaf.EndsWith(nameof(KnownWork.Throw), StringComparison.Ordinal));

        // Back to sampling: the switch exports the last allocation and exception interval, then only wall follows.
        KnownWork.AllocateAndThrow(TimeSpan.FromSeconds(0.3));
        profiler.SetProfileTypes(ProfileTypes.Wall);
        Assert.Contains("exceptions/count", app.Flush().Select(p => p.SampleType));
        KnownWork.AllocateAndThrow(TimeSpan.FromSeconds(1));
        Assert.Equal(["wall/nanoseconds"], app.Flush().Select(p => p.PeriodType).Distinct());
    }

    [Fact]
    public async Task A_configuration_reload_switches_types_at_once()
    {
        using var app = await ProfiledApp.StartAsync(ProfileTypes.Cpu);
        app.Configuration["OpenTelemetry:Profiles:ProfileTypes"] = "Exceptions";
        ((IConfigurationRoot)app.Configuration).Reload();

        Assert.True(SpinWait.SpinUntil(() => app.Profiler.ActiveProfileTypes == ProfileTypes.Exceptions, TimeSpan.FromSeconds(20)));
        app.Flush();
        KnownWork.AllocateAndThrow(TimeSpan.FromSeconds(0.5));
        Assert.Equal(["exceptions/count"], app.Flush().Select(p => p.SampleType).Distinct());
    }

    [Fact]
    public async Task Fifty_switches_leak_no_thread_session_or_descriptor()
    {
        ProfileTypes first = ProfileTypes.Cpu | ProfileTypes.InUseMemory | ProfileTypes.Exceptions;
        ProfileTypes second = ProfileTypes.Allocations | ProfileTypes.Contention;
        using var app = await ProfiledApp.StartAsync(first);
        ContinuousProfiler profiler = app.Profiler;

        // Two switches first, so lazily created runtime threads (thread pool, timers) exist before counting.
        profiler.SetProfileTypes(second);
        profiler.SetProfileTypes(first);
        (int profilerThreads, int processThreads, int descriptors) before = Counts(profiler);

        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < 50; i++)
        {
            profiler.SetProfileTypes(i % 2 == 0 ? second : first);
        }

        // 50 switches open and close about 100 event sessions: beyond the runtime's 64 if any leaked.
        _output.WriteLine($"50 switches took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(first, profiler.ActiveProfileTypes);
        Assert.True(profiler.IsRunning);
        (int profilerThreads, int processThreads, int descriptors) after = Counts(profiler);
        _output.WriteLine($"before {before}, after {after}");
        _output.WriteLine("descriptors now: " + string.Join(", ", Descriptors().GroupBy(d => d).Select(g => $"{g.Key}×{g.Count()}")));

        // A leak per switch would show as 50 or 100 more; the thread pool may grow a little meanwhile.
        Assert.Equal(before.profilerThreads, after.profilerThreads);
        Assert.InRange(after.processThreads, 0, before.processThreads + 10);
        Assert.InRange(after.descriptors, 0, before.descriptors + 4);

        await app.StopAsync();
        Assert.Equal(0, profiler.ThreadCount);
    }

    private static (int ProfilerThreads, int ProcessThreads, int Descriptors) Counts(ContinuousProfiler profiler)
    {
        // Streams and sockets other tests left for the finalizer must not count as ours.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return (profiler.ThreadCount, process.Threads.Count, Descriptors().Count);
    }

    /// <summary>
    /// The kind of each open descriptor that is not a file (Linux): "socket" (EventPipe sessions are sockets on the
    /// diagnostics port), "pipe", "anon_inode". Files are left out: assemblies loaded meanwhile open files.
    /// </summary>
    private static List<string> Descriptors()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var kinds = new List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                string target = new FileInfo(fd).LinkTarget ?? "?";
                if (!target.StartsWith('/'))
                {
                    kinds.Add(target.Contains(':', StringComparison.Ordinal) ? target[..target.IndexOf(':', StringComparison.Ordinal)] : target);
                }
            }
            catch (IOException)
            {
                // closed while listing
            }
        }

        return kinds;
    }

    /// <summary>A host with AddOtlpProfiles writing files, an hour-long interval (exports happen on switch and flush).</summary>
    private sealed class ProfiledApp : IDisposable
    {
        private readonly IHost _host;
        private readonly string _directory;
        private int _seen;

        private ProfiledApp(IHost host, string directory, ConfigurationManager configuration)
        {
            _host = host;
            _directory = directory;
            Configuration = configuration;
            Profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        }

        public ContinuousProfiler Profiler { get; }

        public ConfigurationManager Configuration { get; }

        public static async Task<ProfiledApp> StartAsync(ProfileTypes types)
        {
            string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-switch-" + Guid.NewGuid().ToString("N"));
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OpenTelemetry:Profiles:ProfileTypes"] = types.ToString(),
                ["OpenTelemetry:Profiles:Exporters"] = "File",
                ["OpenTelemetry:Profiles:FileDirectory"] = directory,
                ["OpenTelemetry:Profiles:ExportInterval"] = "01:00:00",
                ["OpenTelemetry:Profiles:SamplingFrequencyHz"] = "1000",

                // These tests check which profiles an export holds, so every interval must get samples: no budget.
                ["OpenTelemetry:Profiles:SamplingOverheadPercent"] = "100",
            });
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("switch-test"))
                .WithTracing(t => t.AddSource("switch-test"))
                .AddOtlpProfiles();
            IHost host = builder.Build();
            await host.StartAsync();
            var app = new ProfiledApp(host, directory, builder.Configuration);
            Assert.True(SpinWait.SpinUntil(() => app.Profiler.IsRunning, TimeSpan.FromSeconds(30)), "the profiler did not start");
            return app;
        }

        /// <summary>Ends the interval, waits for its export and decodes the files written since the last call.</summary>
        public List<DecodedProfile> Flush()
        {
            Assert.True(Profiler.ForceFlush(30_000), "flush timed out");
            string[] files = Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*.pb").Order(StringComparer.Ordinal).ToArray() : [];
            var requests = files.Skip(_seen).Select(f => ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f))).ToList();
            _seen = files.Length;
            requests.ForEach(ProfileInvariants.AssertValid);
            return requests.SelectMany(OtlpDecoder.Decode).ToList();
        }

        public Task StopAsync() => _host.StopAsync();

        public void Dispose()
        {
            _host.StopAsync().GetAwaiter().GetResult();
            _host.Dispose();
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }
}
