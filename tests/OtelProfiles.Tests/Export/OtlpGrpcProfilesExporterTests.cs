using Grpc.Core;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers;

namespace OtelProfiles.Tests.Export;

public sealed class OtlpGrpcProfilesExporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gzip_request_arrives_with_grpc_encoding_and_decodes()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(5), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        var received = Assert.Single(receiver.Requests);
        Assert.Equal(ReceiverProtocol.Grpc, received.Protocol);
        Assert.Equal("/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export", received.Path);
        Assert.Equal("gzip", received.ContentEncoding);
        Assert.Equal(5, TestRequests.NumberOf(received.Request));
        Assert.InRange(received.RawBodyBytes, 1, TestRequests.Create(5).CalculateSize() - 1);
    }

    [Fact]
    public async Task Uncompressed_request_has_no_grpc_encoding()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: false);

        var outcome = await exporter.ExportAsync(TestRequests.Create(5), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        var received = Assert.Single(receiver.Requests);
        Assert.True(received.ContentEncoding is null or "identity", received.ContentEncoding);

        // The 5-byte gRPC message prefix, then the message as is.
        Assert.Equal(TestRequests.Create(5).CalculateSize() + 5, received.RawBodyBytes);
    }

    [Fact]
    public async Task Headers_arrive_as_metadata()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var headers = new Dictionary<string, string> { ["Authorization"] = "Basic dXNlcjpwYXNz", ["X-Scope-OrgID"] = "tenant-1" };
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, headers, Wait, compress: true);

        await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        var received = Assert.Single(receiver.Requests);
        Assert.Equal("Basic dXNlcjpwYXNz", received.Header("authorization"));
        Assert.Equal("tenant-1", received.Header("x-scope-orgid"));
    }

    [Fact]
    public async Task Unavailable_then_ok_is_retried()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.GrpcStatus(StatusCode.Unavailable, "collector restarting"), ReceiverReply.Ok);
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(2), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(2, TestRequests.NumberOf(r.Request)));
        Assert.Single(delay.Requested);
    }

    [Fact]
    public async Task RetryInfo_delay_in_the_status_details_trailer_is_honoured()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(
            ReceiverReply.GrpcStatus(StatusCode.Unavailable, "busy", retryInfoDelay: TimeSpan.FromMilliseconds(2500)),
            ReceiverReply.Ok);
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal([TimeSpan.FromMilliseconds(2500)], delay.Requested);
    }

    [Fact]
    public async Task Resource_exhausted_is_retryable_and_RetryInfo_sets_the_delay()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(
            ReceiverReply.GrpcStatus(StatusCode.ResourceExhausted, "message larger than 4 MiB"),
            ReceiverReply.GrpcStatus(StatusCode.ResourceExhausted, "rate limited", retryInfoDelay: TimeSpan.FromSeconds(1)));
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true);

        var withoutRetryInfo = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);
        var withRetryInfo = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(withoutRetryInfo.Retryable);
        Assert.Null(withoutRetryInfo.RetryAfter);
        Assert.True(withRetryInfo.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(1), withRetryInfo.RetryAfter);
    }

    [Theory]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.OutOfRange, true)]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DataLoss, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.Unimplemented, false)]
    [InlineData(StatusCode.Internal, false)]
    public async Task Status_codes_map_to_retryable_as_the_OTLP_specification_says(StatusCode code, bool retryable)
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.GrpcStatus(code, "scripted"));
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.Equal(retryable, outcome.Retryable);
        Assert.Contains($"gRPC {code}", outcome.Error);
    }

    [Fact]
    public async Task Non_retryable_status_is_not_retried()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.GrpcStatus(StatusCode.InvalidArgument, "bad dictionary"));
        var delay = new RecordingDelay();
        using var exporter = new RetryingExporter(
            new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true), delay: delay.Delay);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Retryable);
        Assert.Equal("gRPC InvalidArgument: bad dictionary", outcome.Error);
        Assert.Single(receiver.Requests);
        Assert.Empty(delay.Requested);
    }

    [Fact]
    public async Task Partial_success_is_decoded()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.PartialSuccess(2, "2 profiles too old"));
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.IsPartialSuccess);
        Assert.Equal(2, outcome.RejectedProfiles);
        Assert.Equal("2 profiles too old", outcome.PartialSuccessMessage);
    }

    [Fact]
    public async Task Connection_refused_is_retryable_unavailable()
    {
        using var exporter = new OtlpGrpcProfilesExporter(ClosedPort.Uri(), null, Wait, compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Retryable);
        Assert.Equal("gRPC Unavailable", outcome.FailureKind);
        Assert.Contains("refused", outcome.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Deadline_exceeded_is_a_retryable_timeout()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.Stall);
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, TimeSpan.FromMilliseconds(300), compress: true);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.True(outcome.Retryable);
        Assert.Equal("timeout", outcome.FailureKind);
    }

    [Fact]
    public async Task Caller_cancellation_throws_instead_of_reporting_a_failure()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.GrpcReplies.Then(ReceiverReply.Stall);
        using var exporter = new OtlpGrpcProfilesExporter(receiver.GrpcEndpoint, null, Wait, compress: true);
        using var cancel = new CancellationTokenSource();

        var export = exporter.ExportAsync(TestRequests.Create(1), cancel.Token).AsTask();
        await receiver.WaitForRequestsAsync(1, Wait);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
    }
}
