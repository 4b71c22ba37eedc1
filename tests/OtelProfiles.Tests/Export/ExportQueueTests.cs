using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

public sealed class ExportQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Receiver_down_drops_the_oldest_without_blocking_the_producer_and_memory_stays_bounded()
    {
        // The sender's first request fails (connection refused) and then waits to retry until shutdown, so
        // everything after it has to go through the bounded queue.
        var retryWaitStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ExportDelay waitUntilShutdown = (_, token) =>
        {
            retryWaitStarted.TrySetResult();
            return Task.Delay(Timeout.Infinite, token);
        };
        var inner = new OtlpHttpProfilesExporter(ClosedPort.Uri("/v1development/profiles"), null, Wait, compress: true);
        var logger = new CapturingLogger();
        var queue = new ExportQueue(
            new RetryingExporter(inner, delay: waitUntilShutdown),
            logger,
            new ExportQueueOptions { Capacity = 8, ShutdownTimeout = TimeSpan.FromMilliseconds(200) });

        Assert.True(queue.Enqueue(TestRequests.Create(0)));
        await retryWaitStarted.Task.WaitAsync(Wait);

        var dropped = EnqueueAndTrack(queue, count: 999);

        Assert.Equal(8, queue.Count);
        Assert.Equal(999 - 8, queue.DroppedCount);
        Assert.Equal(0, queue.ExportedCount + queue.FailedCount);

        // Dropped requests are really gone: nothing keeps them alive.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.DoesNotContain(dropped, reference => reference.IsAlive);

        // One line says the queue is full; 990 more drops do not add lines.
        Assert.Single(logger.Entries, e => e.Message.Contains("is full", StringComparison.Ordinal));

        // Shutdown ends the retry wait: the request in flight fails, the eight queued behind it are dropped untried.
        await queue.DisposeAsync();
        Assert.Equal(1, queue.FailedCount);
        Assert.Equal(999, queue.DroppedCount);
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Dispose_sends_what_is_queued_in_order(string protocolName)
    {
        var protocol = protocolName == "grpc" ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf;
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var settings = new ProfilesExporterSettings
        {
            Protocol = protocol,
            Endpoint = protocol == ProfilesExportProtocol.Grpc ? receiver.GrpcEndpoint : receiver.HttpEndpoint,
            Compression = true,
            Queue = new ExportQueueOptions { ShutdownTimeout = Wait },
        };
        var queue = ProfilesExporterFactory.CreateQueue(settings, new CapturingLogger());

        for (var i = 1; i <= 3; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
        }

        await queue.DisposeAsync();

        Assert.Equal([1L, 2L, 3L], receiver.Requests.Select(r => TestRequests.NumberOf(r.Request)));
        Assert.Equal(3, queue.ExportedCount);
        Assert.Equal(0, queue.DroppedCount);
    }

    [Fact]
    public async Task FlushAsync_returns_once_everything_queued_before_it_was_sent()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        await using var queue = new ExportQueue(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true), new CapturingLogger());

        for (var i = 1; i <= 5; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
        }

        Assert.True(await queue.FlushAsync(Wait));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], receiver.Requests.Select(r => TestRequests.NumberOf(r.Request)));
        Assert.Equal(5, queue.ExportedCount);
    }

    [Fact]
    public async Task FlushAsync_with_nothing_queued_returns_true_at_once()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        await using var queue = new ExportQueue(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true), new CapturingLogger());

        Assert.True(await queue.FlushAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task FlushAsync_gives_up_at_its_timeout_and_dispose_counts_the_rest_as_dropped()
    {
        ExportDelay waitUntilShutdown = (_, token) => Task.Delay(Timeout.Infinite, token);
        var queue = new ExportQueue(
            new RetryingExporter(
                new OtlpGrpcProfilesExporter(ClosedPort.Uri(), null, Wait, compress: true), delay: waitUntilShutdown),
            new CapturingLogger(),
            new ExportQueueOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(100) });
        queue.Enqueue(TestRequests.Create(1));
        queue.Enqueue(TestRequests.Create(2));

        Assert.False(await queue.FlushAsync(TimeSpan.FromMilliseconds(200)));

        // Shutdown ends the retry wait: the first request fails, the second is dropped without an attempt.
        await queue.DisposeAsync();
        Assert.Equal(1, queue.FailedCount);
        Assert.Equal(1, queue.DroppedCount);
        Assert.False(queue.Enqueue(TestRequests.Create(3)));
        Assert.Equal(2, queue.DroppedCount);
    }

    [Fact]
    public async Task A_repeated_failure_is_logged_once_then_summarised()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(400, textBody: "tenant unknown");
        var clock = new ManualTimeProvider();
        var logger = new CapturingLogger();
        await using var queue = new ExportQueue(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            logger,
            new ExportQueueOptions { FailureLogInterval = TimeSpan.FromMinutes(5) },
            clock);

        // Ten intervals of the same failure: one line.
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
            Assert.True(await queue.FlushAsync(Wait));
        }

        Assert.Equal(10, queue.FailedCount);
        var first = Assert.Single(logger.AtLeast(LogLevel.Warning));
        Assert.Contains("HTTP 400 Bad Request: tenant unknown", first.Message);

        // Five minutes later: one summary counting the nine suppressed repeats and this one.
        clock.Advance(TimeSpan.FromMinutes(5));
        queue.Enqueue(TestRequests.Create(10));
        Assert.True(await queue.FlushAsync(Wait));
        Assert.Equal(2, logger.AtLeast(LogLevel.Warning).Count);
        Assert.Contains("failed 10 times (HTTP 400) in the last 5 min", logger.AtLeast(LogLevel.Warning)[1].Message);

        // The receiver recovers: one line says so, and the next outage is reported in full again.
        receiver.HttpReplies.Then(ReceiverReply.Ok);
        queue.Enqueue(TestRequests.Create(11));
        Assert.True(await queue.FlushAsync(Wait));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("works again after 11 failure(s)"));
        queue.Enqueue(TestRequests.Create(12));
        Assert.True(await queue.FlushAsync(Wait));
        Assert.Equal(3, logger.AtLeast(LogLevel.Warning).Count);
    }

    [Fact]
    public async Task Partial_success_is_logged_with_the_rejected_count_and_message()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.PartialSuccess(3, "3 profiles had no samples"));
        var logger = new CapturingLogger();
        await using var queue = new ExportQueue(
            new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true), logger);

        queue.Enqueue(TestRequests.Create(1));
        Assert.True(await queue.FlushAsync(Wait));

        Assert.Equal(1, queue.ExportedCount);
        Assert.Equal(3, queue.RejectedProfilesCount);
        var warning = Assert.Single(logger.AtLeast(LogLevel.Warning));
        Assert.Contains("rejected 3 profile(s): 3 profiles had no samples", warning.Message);
    }

    // Not inlined, so no local of this frame keeps a request alive for the GC check.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> EnqueueAndTrack(ExportQueue queue, int count)
    {
        var references = new List<WeakReference>();
        for (var i = 1; i <= count; i++)
        {
            var request = TestRequests.Create(i, functionNames: 20);
            if (i <= count - 8)
            {
                references.Add(new WeakReference(request));
            }

            queue.Enqueue(request);
            Assert.InRange(queue.Count, 1, 8);
        }

        return references;
    }
}
