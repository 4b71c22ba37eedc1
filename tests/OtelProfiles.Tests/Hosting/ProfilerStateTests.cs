using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Tests.Integration;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Hosting;

/// <summary>
/// The profiler's life as <see cref="ContinuousProfiler.State"/> tells it, in this test process: idempotent start
/// and stop, and a sampler that dies (its window's session cannot open) faulting the profiler instead of leaving it
/// looking as if it ran.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ProfilerStateTests
{
    private readonly ITestOutputHelper _output;

    public ProfilerStateTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Start_and_stop_are_idempotent_and_the_state_says_where_the_profiler_is()
    {
        using var app = await Profiled.StartAsync(startWithHost: false);
        ContinuousProfiler profiler = app.Profiler;
        Assert.Equal(ProfilerState.NotStarted, profiler.State);
        profiler.Stop();
        Assert.Equal(ProfilerState.NotStarted, profiler.State);

        Assert.True(profiler.Start());
        int threads = profiler.ThreadCount;
        Assert.True(profiler.Start());
        Assert.Equal((ProfilerState.Running, threads), (profiler.State, profiler.ThreadCount));

        profiler.Stop();
        profiler.Stop();
        Assert.Equal((ProfilerState.Stopped, 0), (profiler.State, profiler.ThreadCount));
        Assert.Equal(ProfileTypes.None, profiler.ActiveProfileTypes);

        Assert.True(profiler.Start());
        Assert.Equal(ProfilerState.Running, profiler.State);
    }

    [Fact]
    public async Task A_sampler_whose_window_cannot_open_faults_the_profiler_and_a_start_recovers()
    {
        using var app = await Profiled.StartAsync(startWithHost: true);
        ContinuousProfiler profiler = app.Profiler;
        Assert.True(SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)), "the profiler did not start");

        // The runtime allows 64 EventPipe sessions at a time. Taking every free one (and each one a sampler window
        // frees) makes the sampler's next window fail to open: its control thread ends with that failure.
        var held = new List<EventPipeSession>();
        var client = new DiagnosticsClient(Environment.ProcessId);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (profiler.State == ProfilerState.Running && DateTime.UtcNow < deadline)
            {
                try
                {
                    held.Add(Drained(client.StartEventPipeSession(
                        [new EventPipeProvider("OtelProfiles-Tests-Silent", EventLevel.Critical)], requestRundown: false, circularBufferMB: 1)));
                }
                catch (Exception ex) when (ex is ServerErrorException or TimeoutException or IOException)
                {
                    Thread.Sleep(5);
                }
            }

            _output.WriteLine($"held {held.Count} sessions; state {profiler.State}");
            Assert.Equal(ProfilerState.Faulted, profiler.State);
            Assert.False(profiler.IsRunning);
            Assert.Equal(ProfileTypes.None, profiler.ActiveProfileTypes);

            // What was still open is closed on a thread of its own; then nothing of the profiler runs.
            Assert.True(SpinWait.SpinUntil(() => profiler.ThreadCount == 0, TimeSpan.FromSeconds(60)), $"{profiler.ThreadCount} profiler threads left");
            profiler.Stop();
            Assert.Equal(ProfilerState.Faulted, profiler.State);
        }
        finally
        {
            Parallel.ForEach(held, session =>
            {
                try
                {
                    session.Stop();
                }
                catch (Exception ex) when (ex is ServerErrorException or TimeoutException or IOException)
                {
                    // already gone
                }

                session.Dispose();
            });
        }

        Assert.True(profiler.Start());
        Assert.Equal(ProfilerState.Running, profiler.State);
        profiler.Stop();
        Assert.Equal(ProfilerState.Stopped, profiler.State);
    }

    /// <summary>
    /// Reads the session's stream to its end on a thread of its own: the runtime writes every session's stream, and
    /// a stream nobody reads blocks the runtime's writer (and then every session's stop) once the socket is full.
    /// </summary>
    private static EventPipeSession Drained(EventPipeSession session)
    {
        var reader = new Thread(() =>
        {
            try
            {
                session.EventStream.CopyTo(Stream.Null);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // the session ended
            }
        })
        {
            IsBackground = true,
            Name = "Test.HeldSessionReader",
        };
        reader.Start();
        return session;
    }

    /// <summary>A host with AddOtlpProfiles (CPU, files, an hour-long interval), started with or without its profiler.</summary>
    private sealed class Profiled : IDisposable
    {
        private readonly IHost _host;
        private readonly string _directory;

        private Profiled(IHost host, string directory)
        {
            _host = host;
            _directory = directory;
            Profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        }

        public ContinuousProfiler Profiler { get; }

        public static async Task<Profiled> StartAsync(bool startWithHost)
        {
            string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-state-" + Guid.NewGuid().ToString("N"));
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddOpenTelemetry().AddOtlpProfiles(o =>
            {
                o.ProfileTypes = ProfileTypes.Cpu;
                o.Exporters = ProfileExporters.File;
                o.FileDirectory = directory;
                o.ExportInterval = TimeSpan.FromHours(1);

                // No budget limit: the sampler opens a window every period even in this mostly idle test process,
                // whose budget (a share of the app's own CPU) would otherwise allow only a few windows a minute.
                o.SamplingOverheadPercent = 100;
            });
            IHost host = builder.Build();
            if (startWithHost)
            {
                await host.StartAsync();
            }

            return new Profiled(host, directory);
        }

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
