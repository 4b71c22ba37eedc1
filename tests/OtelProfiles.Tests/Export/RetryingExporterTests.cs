using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

public sealed class RetryingExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Backoff_grows_exponentially_with_jitter_and_stops_after_the_last_attempt()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(503);
        var clock = new ManualTimeProvider();
        var delay = new RecordingDelay(clock);
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            RetryPolicy.Default,
            delay.Delay,
            clock);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.False(outcome.Retryable);
        Assert.Contains("gave up after 5 attempts", outcome.Error);
        Assert.Equal(5, receiver.Requests.Count);
        double[] backoffSeconds = [1, 1.5, 2.25, 3.375];
        Assert.Equal(backoffSeconds.Length, delay.Requested.Count);
        for (var i = 0; i < backoffSeconds.Length; i++)
        {
            Assert.InRange(delay.Requested[i].TotalSeconds, backoffSeconds[i] / 2, backoffSeconds[i]);
        }
    }

    [Fact]
    public async Task Each_computed_wait_is_capped_at_the_maximum_backoff()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(502);
        var clock = new ManualTimeProvider();
        var delay = new RecordingDelay(clock);
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            RetryPolicy.Default with { MaxAttempts = 8 },
            delay.Delay,
            clock,
            new Random(42));

        await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.Equal(7, delay.Requested.Count);
        Assert.All(delay.Requested, wait => Assert.InRange(wait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5)));
        Assert.All(delay.Requested.Skip(4), wait => Assert.InRange(wait, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_receivers_retry_after_is_capped()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(429, retryAfter: "3600"), ReceiverReply.Ok);
        var clock = new ManualTimeProvider();
        var delay = new RecordingDelay(clock);
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            RetryPolicy.Default,
            delay.Delay,
            clock);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal([RetryPolicy.Default.MaxRetryAfter], delay.Requested);
    }

    [Fact]
    public async Task No_wait_starts_that_would_pass_the_total_deadline()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(503, retryAfter: "8");
        var clock = new ManualTimeProvider();
        var delay = new RecordingDelay(clock);
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            RetryPolicy.Default with { TotalDeadline = TimeSpan.FromSeconds(10) },
            delay.Delay,
            clock);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Retryable);
        Assert.Contains("would pass the retry deadline", outcome.Error);
        Assert.Equal([TimeSpan.FromSeconds(8)], delay.Requested);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task The_total_deadline_cancels_an_attempt_that_is_still_running()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.Stall;
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            RetryPolicy.Default with { TotalDeadline = TimeSpan.FromMilliseconds(300) },
            new RecordingDelay().Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.False(outcome.Retryable);
        Assert.Equal("retry deadline", outcome.FailureKind);
    }

    [Fact]
    public async Task Cancellation_during_a_wait_stops_retrying()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.WhenEmpty = ReceiverReply.HttpStatus(503);
        using var cancel = new CancellationTokenSource();
        ExportDelay cancellingDelay = async (_, token) =>
        {
            await cancel.CancelAsync();
            token.ThrowIfCancellationRequested();
        };
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true),
            delay: cancellingDelay);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => exporter.ExportAsync(TestRequests.Create(1), cancel.Token).AsTask());
        Assert.Single(receiver.Requests);
    }
}
