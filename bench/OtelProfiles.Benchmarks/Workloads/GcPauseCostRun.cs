using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Extensions.Hosting;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// What profiling adds to each garbage collection's pause, part by part (bench/results/gc-pauses.md). With the
/// profiler on, the JSON and Kestrel workloads' collections took 0.25–0.4 ms longer each; this takes the profiler
/// apart. Every mode is a fresh child process that allocates small arrays on one thread (hundreds of gen0
/// collections a second, each a few hundred µs) behind the same generic host, and reports the mean pause per gen0
/// collection over the counted window, with the collections of older generations and what other threads allocated:
/// <list type="bullet">
/// <item><c>off</c>: the host, profiling disabled (the baseline);</item>
/// <item><c>profiler</c>: the library at its defaults (cpu,wall: the method-events session, sampler windows);</item>
/// <item><c>profiler-events</c>: the library with exception profiles only (its sessions, threads and tables, no sampler);</item>
/// <item><c>events-session</c>: no library, only a session like its long-lived one (runtime Loader, JIT and
/// CompilationDiagnostic at Verbose), its stream drained by one thread; <c>events-sessions-2</c>: that and a session
/// like the exception profile's, each drained by its own thread (what the exception-only profiler opens);</item>
/// <item><c>sampler-session</c>: no library, only the runtime's sample profiler, on for the whole window;</item>
/// <item><c>gc-keyword</c>: no library, only a session with the runtime's GC keyword at Informational (what
/// each sampler window enables to measure its pauses), on for the whole window;</item>
/// <item><c>gc-keyword-windows</c>, <c>sampler-windows</c>: the same two sessions, but opened for 50 ms of every
/// second, the way the profiler's duty cycle opens its sampler session;</item>
/// <item><c>gc-keyword-once</c>: the GC-keyword session open for one second before the warmup, then never again
/// (does the cost outlast the session?); <c>rundown-once</c>: the library's start-up rundown session, once;</item>
/// <item><c>profiler-stopped</c>: the library at its defaults through the warmup, then stopped before the count (what
/// its start-up and its tables leave behind once nothing of it runs);</item>
/// <item><c>threads</c>: no session, five extra managed threads blocked in a wait, as many as the profiler has;
/// <c>threads-deep</c>: the same threads blocked 40 calls deep (each collection walks every thread's stack).</item>
/// </list>
/// The workload is one thread allocating small arrays, or (fifth argument) one of the suite's workloads by name, such
/// as <c>Json</c>, run back to back. The sixth argument builds that many MB of long-lived data first (a service's
/// caches and object graphs): on a near-empty heap the GC tunes its budgets differently, and one-off effects seen there
/// vanished with 100 MB live. <c>GC_COST_PROFILER_SETTINGS="VAR=value;VAR2=value"</c> sets the library's settings
/// (environment variables) in the profiler modes. Each child also prints the gen0 pauses' distribution and a
/// per-second timeline (<see cref="PauseSampler"/>).
/// Modes alternate within each round, so drift hits them alike; the medians over the rounds are printed with the
/// difference to <c>off</c>.
/// </summary>
internal static partial class GcPauseCostRun
{
    public static readonly string[] AllModes = ["off", "profiler", "profiler-events", "events-session", "sampler-session", "gc-keyword", "gc-keyword-windows", "sampler-windows", "gc-keyword-once", "rundown-once", "profiler-stopped", "threads", "threads-deep", "events-sessions-2"];

    /// <summary>The duty cycle the windowed modes copy: the profiler's default window and period.</summary>
    private static readonly TimeSpan WindowOn = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan WindowPeriod = TimeSpan.FromSeconds(1);

    private const int ProfilerManagedThreads = 5;
    private const int BlockedThreadDepth = 40;
    private const string ProfilerSettingsVariable = "GC_COST_PROFILER_SETTINGS";

    /// <summary>The parent: runs each mode in child processes, <paramref name="rounds"/> times, and prints the table.</summary>
    public static int Run(int rounds, double warmupSeconds, double seconds, string[] modes, string workload = "alloc", int liveMB = 0)
    {
        if (workload != "alloc" && WorkloadOperation.Create(workload) is null)
        {
            return 2;
        }

        if (modes.FirstOrDefault(m => !AllModes.Contains(m)) is { } unknown)
        {
            Console.Error.WriteLine($"gc-cost: unknown mode '{unknown}'; use any of {string.Join(',', AllModes)}");
            return 2;
        }

        if (ProfilerSettings().FirstOrDefault(pair => pair.Value is null) is { Key: { } malformed })
        {
            Console.Error.WriteLine($"gc-cost: {ProfilerSettingsVariable} entry '{malformed}' has no value; write NAME=value, entries separated by ';'");
            return 2;
        }

        modes = ["off", .. modes.Where(m => m != "off")];
        Console.WriteLine(FormattableString.Invariant(
            $"GC pause per gen0 collection: {rounds} rounds x {modes.Length} modes, {warmupSeconds:0} s warmup + {seconds:0} s counted each, workload {workload}, {liveMB} MB live data, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        var results = modes.ToDictionary(m => m, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            // Rotate the order so no mode always runs first (or right after the most expensive one).
            foreach (string mode in modes.Skip(round % modes.Length).Concat(modes.Take(round % modes.Length)))
            {
                (double perGcUs, string line) = RunChild(mode, warmupSeconds, seconds, workload, liveMB);
                results[mode].Add(perGcUs);
                Console.WriteLine($"  round {round + 1} {mode,-16} {line}");
            }
        }

        double off = Median(results["off"]);
        Console.WriteLine("| mode | median pause per gen0 collection | vs off |");
        Console.WriteLine("|---|---|---|");
        foreach (string mode in modes)
        {
            double median = Median(results[mode]);
            Console.WriteLine(FormattableString.Invariant($"| {mode} | {median:0} µs | {median - off:+0;-0;0} µs |"));
        }

        return 0;
    }

    /// <summary>A child: sets up <paramref name="mode"/>, allocates, prints <c>GC_COST per_gc_us=... collections=...</c>.</summary>
    public static int Child(string mode, double warmupSeconds, double seconds, string workload = "alloc", int liveMB = 0)
    {
        // A service's own long-lived data (caches, connection state), built first and collected into gen2 the way a
        // running service's would be: the workloads alone keep under 1 MB alive, a heap no real service has.
        object[] live = LiveData.Build(liveMB);

        Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", mode.StartsWith("profiler", StringComparison.Ordinal) ? "true" : "false");
        if (mode == "profiler-events")
        {
            Environment.SetEnvironmentVariable("OTEL_PROFILES_TYPES", "exception");
        }

        // Settings to try on the profiler modes, e.g. GC_COST_PROFILER_SETTINGS="OTEL_PROFILES_SAMPLER_PERIOD=5000"
        // (checked by the parent).
        if (mode.StartsWith("profiler", StringComparison.Ordinal))
        {
            foreach ((string name, string? value) in ProfilerSettings())
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        // The suite's workloads start the same host in their setup (Kestrel's adds the web server).
        ProfiledWorkload? suiteWorkload = workload == "alloc" ? null : WorkloadOperation.Create(workload);
        Environment.SetEnvironmentVariable(BenchEnvironment.SettleSeconds, "0");
        suiteWorkload?.Setup();
        using IHost? host = suiteWorkload is null ? ProfiledHost.StartGeneric() : null;
        // The library's own session definitions, so these modes measure exactly what the profiler opens; the sampler
        // alone has none (the library's window session adds the GC keyword, which is its own mode here).
        using EventPipeSession? session = mode switch
        {
            "events-session" or "events-sessions-2" => Drain(EventPipeSessions.ForCurrentProcess().StartRuntimeEvents()),
            "sampler-session" => Drain(OpenSamplerOnlySession()),
            "gc-keyword" => Drain(OpenGcKeywordSession()),
            _ => null,
        };
        // The second long-lived session of the exception-only profiler (its exception events), drained the same way.
        using EventPipeSession? second = mode == "events-sessions-2"
            ? Drain(EventPipeSessions.ForCurrentProcess().StartProfileEvents(ProfileEvents.ExceptionKeyword, EventLevel.Informational, bufferMB: 16))
            : null;
        if (mode == "gc-keyword-once")
        {
            using EventPipeSession once = Drain(OpenGcKeywordSession());
            Thread.Sleep(1000);
            once.Stop();
        }
        else if (mode == "rundown-once")
        {
            using EventPipeSession once = Drain(EventPipeSessions.ForCurrentProcess().StartRundown());
            once.Stop();
        }

        using var windows = new CancellationTokenSource();
        Thread? windowThread = mode switch
        {
            "gc-keyword-windows" => StartWindows(OpenGcKeywordSession, windows.Token),
            "sampler-windows" => StartWindows(OpenSamplerOnlySession, windows.Token),
            _ => null,
        };
        using var release = new ManualResetEventSlim();
        if (mode is "threads" or "threads-deep")
        {
            // Every collection walks every managed thread's stack, waiting or not; the deep mode blocks them as deep
            // as a stream reader blocked inside a parser and a socket read.
            int depth = mode == "threads" ? 0 : BlockedThreadDepth;
            for (int i = 0; i < ProfilerManagedThreads; i++)
            {
                new Thread(() => WaitAtDepth(release, depth)) { IsBackground = true, Name = "GcCost.Blocked" }.Start();
            }
        }

        var ring = new object[64];
        Action<double> run = suiteWorkload is null ? s => Allocate(ring, s) : s => WorkloadOperation.RunFor(WorkloadOperation.For(suiteWorkload), s);
        run(warmupSeconds);
        bool stopped = false;
        if (mode == "profiler-stopped")
        {
            // The profiler ran through the warmup and is stopped before the count: what it leaves behind, not what it does.
            StopHost(host, suiteWorkload);
            stopped = true;
            run(2);
        }

        long allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        long mineAtStart = GC.GetAllocatedBytesForCurrentThread();
        TimeSpan pauseAtStart = GC.GetTotalPauseDuration();
        int[] collectionsAtStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var pauses = new PauseSampler();
        run(seconds);
        string distribution = pauses.Stop();
        TimeSpan pause = GC.GetTotalPauseDuration() - pauseAtStart;
        int collections = GC.CollectionCount(0) - collectionsAtStart[0];
        long others = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart - (GC.GetAllocatedBytesForCurrentThread() - mineAtStart);
        GCMemoryInfo last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        int osThreads = Process.GetCurrentProcess().Threads.Count;
        release.Set();
        GC.KeepAlive(ring);
        GC.KeepAlive(live);
        Console.WriteLine(FormattableString.Invariant(
            $"GC_COST per_gc_us={pause.TotalMicroseconds / Math.Max(1, collections):0.0} collections={collections} gen1={GC.CollectionCount(1) - collectionsAtStart[1]} gen2={GC.CollectionCount(2) - collectionsAtStart[2]} other_threads_alloc_kb_per_s={others / 1024.0 / seconds:0} heap_kb={last.HeapSizeBytes / 1024} last_promoted_kb={last.PromotedBytes / 1024} gen1_kb={last.GenerationInfo[1].SizeAfterBytes / 1024} gen2_kb={last.GenerationInfo[2].SizeAfterBytes / 1024} pinned={last.PinnedObjectsCount} compacted={last.Compacted} gen0_frag_kb={last.GenerationInfo[0].FragmentationAfterBytes / 1024} finalizable_pending={last.FinalizationPendingCount} os_threads={osThreads} pool_threads={ThreadPool.ThreadCount} {distribution}"));
        windows.Cancel();
        windowThread?.Join();
        session?.Stop();
        second?.Stop();
        if (!stopped)
        {
            StopHost(host, suiteWorkload);
        }

        return 0;
    }

    /// <summary>The <c>NAME=value</c> entries of <see cref="ProfilerSettingsVariable"/>; an entry without '=' has a null value.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> ProfilerSettings() =>
        (Environment.GetEnvironmentVariable(ProfilerSettingsVariable) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .Select(pair => new KeyValuePair<string, string?>(pair[0], pair.Length > 1 ? pair[1] : null));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int WaitAtDepth(ManualResetEventSlim release, int depth)
    {
        if (depth == 0)
        {
            release.Wait();
            return 0;
        }

        return WaitAtDepth(release, depth - 1) + 1;
    }

    private static void StopHost(IHost? host, ProfiledWorkload? suiteWorkload)
    {
        host?.StopAsync().GetAwaiter().GetResult();
        suiteWorkload?.Cleanup();
    }

    /// <summary>The runtime's GC keyword at Informational alone: what each sampler window adds to measure its pauses.</summary>
    private static EventPipeSession OpenGcKeywordSession() =>
        EventPipeSessions.ForCurrentProcess().StartProfileEvents(RuntimeEvents.GCKeyword, EventLevel.Informational, bufferMB: 16);

    /// <summary>The runtime's sample profiler alone (the library's window session adds the GC keyword, a mode of its own).</summary>
    private static EventPipeSession OpenSamplerOnlySession() =>
        new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(
            [new EventPipeProvider(RuntimeEvents.SampleProfilerProvider, EventLevel.Informational)], requestRundown: false, circularBufferMB: 16);

    /// <summary>Reads the session's stream to nowhere on a thread of its own, as the profiler's readers do (minus the parsing).</summary>
    private static EventPipeSession Drain(EventPipeSession session)
    {
        Stream stream = session.EventStream;
        new Thread(() =>
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (stream.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The session stopped.
            }
        })
        { IsBackground = true, Name = "GcCost.Drain" }.Start();
        return session;
    }

    /// <summary>Opens a session for <see cref="WindowOn"/> of every <see cref="WindowPeriod"/>, on a thread of its own, until cancelled.</summary>
    private static Thread StartWindows(Func<EventPipeSession> open, CancellationToken stop)
    {
        var thread = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (EventPipeSession session = Drain(open()))
                {
                    stop.WaitHandle.WaitOne(WindowOn);
                    session.Stop();
                }

                stop.WaitHandle.WaitOne(WindowPeriod - WindowOn);
            }
        })
        { IsBackground = true, Name = "GcCost.Windows" };
        thread.Start();
        return thread;
    }

    private static void Allocate(object[] ring, double seconds)
    {
        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1000; i++)
            {
                ring[n++ & 63] = new byte[100];
            }
        }
    }

    private static (double PerGcUs, string Line) RunChild(string mode, double warmupSeconds, double seconds, string workload, int liveMB)
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-gccost-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(GcPauseCostRun).Assembly.Location);
        start.ArgumentList.Add("gc-cost-child");
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(warmupSeconds.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(workload);
        start.ArgumentList.Add(liveMB.ToString(CultureInfo.InvariantCulture));
        start.Environment[BenchEnvironment.ExportRoot] = directory;

        // "profiler" means the library's defaults: settings from the caller's shell must not reach the child.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_PROFILES_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Match result = ResultLine().Match(output);
        return process.ExitCode == 0 && result.Success
            ? (double.Parse(result.Groups["us"].Value, CultureInfo.InvariantCulture), result.Value)
            : throw new InvalidOperationException($"gc-cost child '{mode}' failed ({process.ExitCode}):\n{output}\n{error.Result}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex(@"GC_COST per_gc_us=(?<us>[0-9.]+).*")]
    private static partial Regex ResultLine();
}
