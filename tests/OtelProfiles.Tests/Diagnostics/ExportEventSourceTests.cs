using System.Diagnostics.Tracing;
using Grpc.Core;
using OtelProfiles.Export;
using OtelProfiles.Tests.Export;
using OtelProfiles.Tests.Export.Faults;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Diagnostics;

/// <summary>
/// The export events of <c>OpenTelemetry-Profiles</c> (ids 5-10) as production code writes them: the real queue and
/// exporters against real local receivers, read by a real <see cref="EventListener"/>. Each test's receiver has its
/// own port, which is in every target payload, so tests running in parallel do not see each other's events.
/// </summary>
public sealed class ExportEventSourceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Success_partial_success_retry_and_failure_are_written_where_they_happen()
    {
        using var listener = new ProfilesEventListener();
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(
            ReceiverReply.Ok,
            ReceiverReply.PartialSuccess(2, "2 profiles had no samples"),
            ReceiverReply.GrpcStatus(StatusCode.Unavailable, "collector restarting", TimeSpan.FromMilliseconds(1234)),
            ReceiverReply.Ok,
            ReceiverReply.GrpcStatus(StatusCode.InvalidArgument, "bad dictionary"));
        var delay = new RecordingDelay();
        var exporter = new RetryingExporter(
            new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true), delay: delay.Delay);
        await using var queue = new ExportQueue(exporter, new CapturingLogger());
        var target = queue.Target;

        var succeeded = TestRequests.WithSamples(1, profiles: 7, samplesPerProfile: 3);
        var failed = TestRequests.WithSamples(4, profiles: 3, samplesPerProfile: 1777);
        foreach (var request in new[] { succeeded, TestRequests.Create(2), TestRequests.Create(3), failed })
        {
            queue.Enqueue(request);
        }

        Assert.True(await queue.FlushAsync(Wait));

        var success = Assert.Single(listener.Events, e => e.EventName == "ExportSucceeded" && (long)e.Payload![1]! == succeeded.CalculateSize());
        Assert.Equal((5, EventLevel.Verbose, 7L), (success.EventId, success.Level, (long)success.Payload![0]!));

        var partial = Assert.Single(listener.Named("ExportPartialSuccess", target));
        Assert.Equal((8, 2L, "2 profiles had no samples"), (partial.EventId, (long)partial.Payload![1]!, (string)partial.Payload[2]!));

        var retry = Assert.Single(listener.Named("ExportRetrying", target));
        Assert.Equal((7, 1234L), (retry.EventId, (long)retry.Payload![1]!));

        var failure = Assert.Single(listener.Named("ExportFailed", target));
        Assert.Equal((6, EventLevel.Error), (failure.EventId, failure.Level));
        Assert.Contains("gRPC InvalidArgument: bad dictionary", (string)failure.Payload![1]!);

        // The failed request's samples are lost, and said so with their number.
        var lost = Assert.Single(listener.Events, e => e.EventName == "SamplesDropped" && (long)e.Payload![0]! == 3 * 1777);
        Assert.Equal((9, "export failed (gRPC InvalidArgument)"), (lost.EventId, (string)lost.Payload![1]!));
    }

    [Fact]
    public async Task Requests_dropped_from_a_full_queue_and_at_shutdown_are_counted_with_their_samples()
    {
        using var listener = new ProfilesEventListener();
        await using var receiver = FaultyReceiver.Start(ReceiverFault.Hanging);
        var queue = new ExportQueue(
            new OtlpHttpProfilesExporter(receiver.HttpUri, null, Wait, compress: true),
            new CapturingLogger(),
            new ExportQueueOptions { Capacity = 1, ShutdownTimeout = TimeSpan.FromMilliseconds(300) });
        var target = queue.Target;

        // The first request hangs in flight; of the next three, the two oldest are pushed out of the one-slot queue.
        queue.Enqueue(TestRequests.WithSamples(1, profiles: 1, samplesPerProfile: 1301));
        while (receiver.Connections == 0 || queue.Count > 0)
        {
            await Task.Delay(20);
        }

        queue.Enqueue(TestRequests.WithSamples(2, profiles: 1, samplesPerProfile: 1302));
        queue.Enqueue(TestRequests.WithSamples(3, profiles: 1, samplesPerProfile: 1303));
        queue.Enqueue(TestRequests.WithSamples(4, profiles: 1, samplesPerProfile: 1304));
        await queue.DisposeAsync();

        var drops = listener.Named("QueueDropped", target);
        Assert.All(drops, e => Assert.Equal((10, EventLevel.Warning, 1L), (e.EventId, e.Level, (long)e.Payload![1]!)));
        Assert.Equal(
            ["not sent within the shutdown timeout", "not sent within the shutdown timeout", "the export queue is full", "the export queue is full"],
            drops.Select(e => (string)e.Payload![2]!).Order(StringComparer.Ordinal));
        Assert.Equal(4, queue.DroppedCount);

        // Every request's samples, under the reason it was dropped for.
        var samples = listener.Events
            .Where(e => e.EventName == "SamplesDropped" && (long)e.Payload![0]! is >= 1301 and <= 1304)
            .ToDictionary(e => (long)e.Payload![0]!, e => (string)e.Payload![1]!);
        Assert.Equal("the export queue is full", samples[1302]);
        Assert.Equal("the export queue is full", samples[1303]);
        Assert.Equal("not sent within the shutdown timeout", samples[1301]);
        Assert.Equal("not sent within the shutdown timeout", samples[1304]);
    }
}
