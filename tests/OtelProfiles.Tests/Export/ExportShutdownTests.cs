using System.Diagnostics;
using OtelProfiles.Export;
using OtelProfiles.Tests.Export.Faults;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

/// <summary>
/// Shutdown has one budget, <see cref="ExportQueueOptions.ShutdownTimeout"/>, whatever the receiver does: real
/// sockets that hang, answer slowly, reset, close at once or are not there at all.
/// </summary>
public sealed class ExportShutdownTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    // Cancelling a send and joining the thread takes milliseconds; the rest is room for a loaded machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(ReceiverFault.Hanging, "grpc")]
    [InlineData(ReceiverFault.Hanging, "http/protobuf")]
    [InlineData(ReceiverFault.Slow, "http/protobuf")]
    [InlineData(ReceiverFault.Resetting, "grpc")]
    [InlineData(ReceiverFault.Resetting, "http/protobuf")]
    [InlineData(ReceiverFault.Refusing, "grpc")]
    [InlineData(ReceiverFault.Refusing, "http/protobuf")]
    public async Task Shutdown_behind_a_misbehaving_receiver_takes_at_most_its_timeout(ReceiverFault fault, string protocol)
    {
        await using var receiver = FaultyReceiver.Start(fault);
        var logger = new CapturingLogger();
        var queue = CreateQueue(protocol, protocol == "grpc" ? receiver.BaseUri : receiver.HttpUri, logger);
        for (var i = 1; i <= 3; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
        }

        // The first request is at the receiver (in flight, or failed and waiting to be retried).
        await WaitUntilAsync(() => receiver.Connections > 0);
        await Task.Delay(300);

        var elapsed = Stopwatch.StartNew();
        await queue.DisposeAsync();
        elapsed.Stop();

        Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, ShutdownTimeout + Margin);
        Assert.Equal(3, queue.ExportedCount + queue.FailedCount + queue.DroppedCount);
        AssertDropMessageStatesTheNumbers(logger, queue);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Shutdown_with_nothing_listening_fails_fast_instead_of_spending_the_timeout_on_backoff(string protocol)
    {
        var endpoint = protocol == "grpc" ? ClosedPort.Uri() : ClosedPort.Uri("/v1development/profiles");
        var logger = new CapturingLogger();
        var queue = CreateQueue(protocol, endpoint, logger, shutdownTimeout: TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 3; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
        }

        // Connection refused at once; the first request now waits out a retry backoff of 0.5-1 s.
        await Task.Delay(300);

        var elapsed = Stopwatch.StartNew();
        await queue.DisposeAsync();
        elapsed.Stop();

        // Not the 10 s budget, not even one backoff: the refusal ends the retries and the rest is dropped untried.
        Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.ExportedCount);
        Assert.Equal(1, queue.FailedCount);
        Assert.Equal(2, queue.DroppedCount);
        var drop = AssertDropMessageStatesTheNumbers(logger, queue);
        Assert.Contains("the receiver failed during shutdown", drop);
    }

    [Fact]
    public async Task A_slow_receiver_gets_what_fits_in_the_timeout_and_the_rest_is_dropped_with_its_count()
    {
        await using var receiver = FaultyReceiver.Start(ReceiverFault.Slow);
        var logger = new CapturingLogger();

        // 3 s per answer, 5 s to shut down: the first request is answered, the second is cut off, the third never starts.
        var queue = CreateQueue("http/protobuf", receiver.HttpUri, logger, shutdownTimeout: TimeSpan.FromSeconds(5));
        for (var i = 1; i <= 3; i++)
        {
            queue.Enqueue(TestRequests.Create(i));
        }

        var elapsed = Stopwatch.StartNew();
        await queue.DisposeAsync();
        elapsed.Stop();

        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5) + Margin);
        Assert.Equal(1, queue.ExportedCount);
        Assert.Equal(2, queue.DroppedCount);
        var drop = AssertDropMessageStatesTheNumbers(logger, queue);
        Assert.Contains("the shutdown timeout ran out", drop);
    }

    private static string AssertDropMessageStatesTheNumbers(CapturingLogger logger, ExportQueue queue)
    {
        var drops = logger.Entries.Where(e => e.EventId == 17).ToList();
        if (queue.DroppedCount == 0)
        {
            Assert.Empty(drops);
            return string.Empty;
        }

        // One line, with the real count and the real time taken, not just the configured timeout.
        var drop = Assert.Single(drops).Message;
        Assert.StartsWith($"{queue.DroppedCount} profiles export request(s) to ", drop);
        Assert.Matches(@"Shutdown took \d+\.\d+ s of the \d+ s allowed\.$", drop);
        return drop;
    }

    private static ExportQueue CreateQueue(string protocol, Uri endpoint, CapturingLogger logger, TimeSpan? shutdownTimeout = null)
    {
        var settings = new ProfilesExporterSettings
        {
            Protocol = protocol == "grpc" ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf,
            Endpoint = endpoint,
            Compression = true,
            Queue = new ExportQueueOptions { ShutdownTimeout = shutdownTimeout ?? ShutdownTimeout },
        };

        // The defaults that matter here: a 10 s timeout per attempt and real retry backoff.
        return ProfilesExporterFactory.CreateQueue(settings, logger);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "The exporter never connected.");
            await Task.Delay(20);
        }
    }
}
