using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using OtelProfiles.Building;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Diagnostics;
using OtelProfiles.ProfileSources;
using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Signals;
using OtelProfiles.Tests.Integration;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.ProfileSources;

/// <summary>
/// The event-based sources (memory, locks, exceptions) share one runtime events session in this test process:
/// with all four of their types on, one more session and one more reader thread are open, not one per family,
/// and the one stream still feeds every recorder.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SharedEventsSessionTests
{
    private const ProfileTypes EventTypes =
        ProfileTypes.Allocations | ProfileTypes.InUseMemory | ProfileTypes.Contention | ProfileTypes.Exceptions;

    private readonly ITestOutputHelper _output;

    public SharedEventsSessionTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Memory_lock_and_exception_profiles_read_one_session_on_one_thread()
    {
        using var run = SourcesRun.Start();
        (int threads, int sockets) before = run.Counts();

        ProfileTypes active = run.ApplyAll(EventTypes);
        (int threads, int sockets) during = run.Counts();
        _output.WriteLine($"before {before}, with memory + lock + exception on {during}");
        Assert.Equal(EventTypes, active);

        // One reader thread and one EventPipe session for the three families. A session on the own process is two
        // sockets: the profiler's end of the diagnostics port connection and the runtime's.
        Assert.Equal(before.threads + 1, during.threads);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(before.sockets + 2, during.sockets);
        }

        // The one stream reaches every family's recorders.
        Workload.AllocateThrowAndContend(TimeSpan.FromSeconds(1));
        run.NarrowAll(ProfileTypes.None);
        var memory = Assert.IsType<MemoryIntervalProfiles>(run.Take<MemorySource>());
        var signals = Assert.IsType<SignalIntervalProfiles>(run.Take<RuntimeSignalsSource>());
        Assert.True(memory.Allocations?.RowCount > 0, "no allocation was recorded");
        Assert.NotNull(memory.InUse);
        Assert.True(signals.Exceptions?.RowCount > 0, "no exception was recorded");
        Assert.True(signals.Contention?.RowCount > 0, "no contention was recorded");

        // Narrowed to none, the session and its reader are gone.
        Assert.Equal(before.threads, run.Counts().Threads);
    }

    [Fact]
    public void The_session_reopens_only_when_the_union_of_keywords_changes()
    {
        using var run = SourcesRun.Start();
        ProfileEventsSession events = run.Context.Events;

        run.ApplyAll(ProfileTypes.InUseMemory);
        Assert.Equal(1, events.Opened);
        long inUseKeywords = events.Keywords;

        // Allocation sampling is already on for in-use: switching allocations on keeps the session (and in-use tracking).
        run.ApplyAll(ProfileTypes.InUseMemory | ProfileTypes.Allocations);
        Assert.Equal(1, events.Opened);

        // Exceptions add a keyword: the one session reopens with the union.
        run.ApplyAll(ProfileTypes.InUseMemory | ProfileTypes.Allocations | ProfileTypes.Exceptions);
        Assert.Equal(2, events.Opened);
        Assert.Equal(inUseKeywords | ProfileEvents.ExceptionKeyword, events.Keywords);

        // Narrowing exceptions away reopens with the memory keywords; the interval the switch ends still gets the
        // in-use snapshot of the tracker that followed it (about the 32 MB retained here), not of a fresh one.
        Workload.AllocateThrowAndContend(TimeSpan.FromSeconds(0.3));
        List<byte[]> retained = Workload.Retain(32 << 20);
        Thread.Sleep(500); // the runtime flushes events every 100 ms
        run.NarrowAll(ProfileTypes.InUseMemory);
        Assert.Equal(3, events.Opened);
        Assert.Equal(inUseKeywords, events.Keywords);
        var memory = Assert.IsType<MemoryIntervalProfiles>(run.Take<MemorySource>());
        double inUseBytes = memory.InUse?.Rows.Sum(r => r.Value.Second) ?? 0;
        _output.WriteLine($"in use at the switch: {inUseBytes / (1 << 20):0.0} MB of {retained.Count * retained[0].Length / (1 << 20)} MB retained");
        Assert.True(inUseBytes > 16 << 20, $"the interval ended by the switch lost its in-use snapshot: {inUseBytes:N0} bytes");
        Assert.True(Assert.IsType<SignalIntervalProfiles>(run.Take<RuntimeSignalsSource>()).Exceptions?.RowCount > 0);
        GC.KeepAlive(retained);

        run.NarrowAll(ProfileTypes.None);
        Assert.Equal(0, events.Keywords);
    }

    [Fact]
    public void Sources_narrowed_together_reopen_the_session_once()
    {
        using var run = SourcesRun.Start();
        ProfileEventsSession events = run.Context.Events;
        Assert.Equal(EventTypes, run.ApplyAll(EventTypes));

        // Applied together, the memory and signals sources open the session once.
        Assert.Equal(1, events.Opened);
        int opened = events.Opened;

        // In-use off shrinks the memory keywords and the signals leave: one reopen with allocation sampling alone.
        run.NarrowAll(ProfileTypes.Allocations);
        Assert.Equal(opened + 1, events.Opened);
        Assert.Equal(ProfileEvents.AllocationSamplingKeyword, events.Keywords);

        run.NarrowAll(ProfileTypes.None);
        Assert.Equal(opened + 1, events.Opened);
        Assert.Equal(0, events.Keywords);
    }

    /// <summary>A profiling session (sampler off) with the registry's sources started on it, as a run does.</summary>
    private sealed class SourcesRun : IDisposable
    {
        private readonly ProfilingSession _session;
        private readonly ProfilerThreads _threads;
        private readonly IReadOnlyList<IProfileSource> _sources;

        private SourcesRun(ProfilingSession session, ProfilerThreads threads, ProfileSourceContext context, IReadOnlyList<IProfileSource> sources)
        {
            _session = session;
            _threads = threads;
            Context = context;
            _sources = sources;
        }

        public ProfileSourceContext Context { get; }

        public static SourcesRun Start()
        {
            var threads = new ProfilerThreads();
            var failures = new ProfilerFailures(NullLogger.Instance);
            ProfilingSession session = ProfilingSession.Start(
                new ProfilingSessionSettings(100, TimeSpan.FromSeconds(1), Sampling: false), threads, (what, ex) => throw new InvalidOperationException(what, ex));
            var context = new ProfileSourceContext(session, threads, ProfileTypeSupport.Detect(), new OtlpProfilesOptions(), NullLogger.Instance, failures);
            IReadOnlyList<IProfileSource> sources = ProfileSourceRegistry.CreateSources();
            foreach (IProfileSource source in sources)
            {
                source.Start(context);
            }

            return new SourcesRun(session, threads, context, sources);
        }

        /// <summary>Applies every source as a run does: the shared session changes once, when all are applied.</summary>
        public ProfileTypes ApplyAll(ProfileTypes types) => Context.Events.ApplyAll(_sources, types);

        /// <summary>Narrows every source as a run's switch does: the shared session changes once, when all are narrowed.</summary>
        public void NarrowAll(ProfileTypes types) => Context.Events.NarrowAll(_sources, types);

        public IIntervalProfiles? Take<TSource>()
            where TSource : IProfileSource =>
            _sources.OfType<TSource>().Single().TakeInterval(_session.Recorder.TakeInterval(DateTime.UtcNow));

        /// <summary>The profiler's threads alive, and the process's open sockets (Linux; EventPipe sessions are sockets).</summary>
        public (int Threads, int Sockets) Counts()
        {
            // Sockets other tests left for the finalizer must not count.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            int sockets = OperatingSystem.IsLinux()
                ? Directory.GetFiles("/proc/self/fd").Count(fd => SafeLinkTarget(fd).StartsWith("socket:", StringComparison.Ordinal))
                : 0;
            return (_threads.Count, sockets);
        }

        public void Dispose()
        {
            NarrowAll(ProfileTypes.None);
            _session.Dispose();
        }

        private static string SafeLinkTarget(string path)
        {
            try
            {
                return new FileInfo(path).LinkTarget ?? "";
            }
            catch (IOException)
            {
                return ""; // closed while listing
            }
        }
    }

    private static class Workload
    {
        private static readonly object Lock = new();

        /// <summary>Allocates about <paramref name="bytes"/> in 64 KB arrays and keeps them.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static List<byte[]> Retain(int bytes)
        {
            var retained = new List<byte[]>();
            for (int total = 0; total < bytes; total += 64 << 10)
            {
                retained.Add(new byte[64 << 10]);
            }

            return retained;
        }

        /// <summary>Allocates, throws and makes a second thread wait for a held lock, for <paramref name="duration"/>.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static long AllocateThrowAndContend(TimeSpan duration)
        {
            long total = 0;
            var end = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < end)
            {
                total += KnownWork.AllocateAndThrow(TimeSpan.Zero);
                lock (Lock)
                {
                    var waiter = new Thread(() =>
                    {
                        lock (Lock)
                        {
                            Interlocked.Increment(ref total);
                        }
                    });
                    waiter.Start();
                    Thread.Sleep(20);
                }
            }

            return total;
        }
    }
}
