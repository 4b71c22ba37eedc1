using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Collection;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

/// <summary>
/// Export runs on one dedicated thread registered with the profiler's thread registry, so its work is charged to the
/// profiler's budget and kept out of the application's profiles, and never on the application's thread pool.
/// </summary>
public sealed class ExportThreadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Every_send_runs_on_one_registered_profiler_thread_that_ends_with_the_queue(string protocol)
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var threads = new ProfilerThreads();
        var settings = new ProfilesExporterSettings
        {
            Protocol = protocol == "grpc" ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf,
            Endpoint = protocol == "grpc" ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
        };
        var callers = new ConcurrentQueue<Caller>();
        var queue = new ExportQueue(
            new CallerRecordingExporter(ProfilesExporterFactory.CreateExporter(settings), callers),
            new CapturingLogger(),
            threads: threads);

        var registered = Assert.Single(threads.LiveIds);
        for (var i = 1; i <= 5; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
            if (i % 2 == 0)
            {
                // Gaps, so the thread goes back to waiting for a signal in between.
                Assert.True(await queue.FlushAsync(Wait));
                await Task.Delay(50);
            }
        }

        Assert.True(await queue.FlushAsync(Wait));
        Assert.Equal(5, receiver.Requests.Count);
        Assert.Equal(5, callers.Count);
        Assert.All(callers, c => Assert.Equal(new Caller(registered, ExportQueue.ThreadName, IsThreadPool: false), c));

        await queue.DisposeAsync();
        Assert.Equal(0, threads.Count);
        Assert.True(threads.Contains(registered), "an ended export thread stays known while its last samples arrive");
    }

    [Fact]
    public async Task A_sent_request_is_not_kept_reachable_while_the_thread_waits_for_the_next()
    {
        // The GC leaves a small set of survivors in gen0, so a request the waiting thread still reached would be marked
        // and moved again by every gen0 collection of the app until the next export.
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var settings = new ProfilesExporterSettings { Protocol = ProfilesExportProtocol.Grpc, Endpoint = receiver.GrpcEndpoint };
        var queue = new ExportQueue(ProfilesExporterFactory.CreateExporter(settings), new CapturingLogger(), threads: new ProfilerThreads());

        WeakReference sent = EnqueueUnreferenced(queue, 1);
        Assert.True(await queue.FlushAsync(Wait));
        Assert.Single(receiver.Requests);

        // The sender is back waiting for work; only it could still reach the request.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (sent.IsAlive && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(sent.IsAlive, "the export thread keeps the last request reachable while it waits");
        await queue.DisposeAsync();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference EnqueueUnreferenced(ExportQueue queue, int seed)
    {
        ExportProfilesServiceRequest request = TestRequests.Create(seed);
        queue.Enqueue(request);
        return new WeakReference(request);
    }

    private sealed record Caller(long OsThreadId, string? Name, bool IsThreadPool);

    /// <summary>Passes every call to the real exporter, noting the thread that makes it.</summary>
    private sealed class CallerRecordingExporter(IProfilesExporter inner, ConcurrentQueue<Caller> callers) : IProfilesExporter
    {
        public string Target => inner.Target;

        public ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken)
        {
            callers.Enqueue(new Caller(OsThreadId.Current(), Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
            return inner.ExportAsync(request, cancellationToken);
        }

        public void StopRetrying() => inner.StopRetrying();

        public void Dispose() => inner.Dispose();
    }
}
