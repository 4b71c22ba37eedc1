using System.Globalization;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

public sealed class OtlpHttpProfilesExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gzip_body_arrives_with_content_encoding_and_decodes()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(7), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        var received = Assert.Single(receiver.Requests);
        Assert.Equal(ReceiverProtocol.Http, received.Protocol);
        Assert.Equal("/v1development/profiles", received.Path);
        Assert.Equal("gzip", received.ContentEncoding);
        Assert.Equal("application/x-protobuf", received.ContentType);
        Assert.Equal(7, TestRequests.NumberOf(received.Request));
        Assert.True(received.RawBodyBytes < TestRequests.Create(7).CalculateSize(), "the body on the wire is compressed");
    }

    [Fact]
    public async Task Uncompressed_body_has_no_content_encoding()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: false);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        var received = Assert.Single(receiver.Requests);
        Assert.Null(received.ContentEncoding);
        Assert.Equal(TestRequests.Create(1).CalculateSize(), received.RawBodyBytes);
    }

    [Fact]
    public async Task Configured_headers_arrive()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var headers = new Dictionary<string, string> { ["Authorization"] = "Basic dXNlcjpwYXNz", ["X-Scope-OrgID"] = "tenant-1" };
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, headers, Wait, compress: true);

        await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        var received = Assert.Single(receiver.Requests);
        Assert.Equal("Basic dXNlcjpwYXNz", received.Header("Authorization"));
        Assert.Equal("tenant-1", received.Header("X-Scope-OrgID"));
    }

    [Fact]
    public async Task Status_503_then_200_is_retried_and_both_attempts_arrive()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(503), ReceiverReply.Ok);
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(3), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Collection(
            receiver.Requests,
            first => Assert.Equal(503, first.Reply.HttpStatusCode),
            second => Assert.Equal(200, second.Reply.HttpStatusCode));
        Assert.All(receiver.Requests, r => Assert.Equal(3, TestRequests.NumberOf(r.Request)));
        var wait = Assert.Single(delay.Requested);
        Assert.InRange(wait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Retryable_statuses_are_reported_as_retryable(int status)
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(status));
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: false);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.True(outcome.Retryable);
        Assert.Equal($"HTTP {status}", outcome.FailureKind);
    }

    [Fact]
    public async Task Retry_after_seconds_is_honoured()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(503, retryAfter: "1"), ReceiverReply.Ok);
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], delay.Requested);
    }

    [Fact]
    public async Task Retry_after_http_date_is_honoured()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var clock = new ManualTimeProvider();
        var retryAt = clock.GetUtcNow().AddSeconds(20).ToString("r", CultureInfo.InvariantCulture);
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(429, retryAfter: retryAt));
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: false, clock);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(20), outcome.RetryAfter);
    }

    [Fact]
    public async Task Status_400_is_not_retried_and_its_text_body_is_the_reason()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpStatus(400, textBody: "profiles signal is not enabled\non this tenant"));
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.False(outcome.Retryable);
        Assert.Single(receiver.Requests);
        Assert.Empty(delay.Requested);
        Assert.Equal("HTTP 400 Bad Request: profiles signal is not enabled on this tenant", outcome.Error);
    }

    [Fact]
    public async Task Protobuf_error_body_is_decoded_as_google_rpc_status()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.HttpRpcStatus(400, "dictionary.string_table[0] must be empty"));
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: false);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Retryable);
        Assert.Equal("HTTP 400 Bad Request: dictionary.string_table[0] must be empty", outcome.Error);
    }

    [Fact]
    public async Task Partial_success_is_decoded()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.PartialSuccess(3, "3 profiles had no samples"));
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Success);
        Assert.True(outcome.IsPartialSuccess);
        Assert.Equal(3, outcome.RejectedProfiles);
        Assert.Equal("3 profiles had no samples", outcome.PartialSuccessMessage);
    }

    [Fact]
    public async Task Connection_refused_is_retryable()
    {
        using var exporter = new OtlpHttpProfilesExporter(ClosedPort.Uri("/v1development/profiles"), null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.True(outcome.Retryable);
        Assert.Equal("connection failed", outcome.FailureKind);
        Assert.Contains("refused", outcome.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_within_the_timeout_is_a_retryable_timeout()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.Stall);
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, TimeSpan.FromMilliseconds(300), compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Retryable);
        Assert.Equal("timeout", outcome.FailureKind);
    }

    [Fact]
    public async Task Caller_cancellation_throws_instead_of_reporting_a_failure()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.HttpReplies.Then(ReceiverReply.Stall);
        using var exporter = new OtlpHttpProfilesExporter(receiver.HttpEndpoint, null, Wait, compress: true);
        using var cancel = new CancellationTokenSource();

        var export = exporter.ExportAsync(TestRequests.Create(1), cancel.Token).AsTask();
        await receiver.WaitForRequestsAsync(1, Wait);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
    }
}
