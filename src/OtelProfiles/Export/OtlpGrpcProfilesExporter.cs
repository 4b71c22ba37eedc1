using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Configuration;

namespace OtelProfiles.Export;

/// <summary>
/// Sends export requests to an OTLP/gRPC receiver with the generated <c>ProfilesService</c> client
/// (<c>/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export</c>).
/// </summary>
internal sealed class OtlpGrpcProfilesExporter : IProfilesExporter
{
    // Metadata that makes Grpc.Net.Client compress the request message and send "grpc-encoding: gzip".
    private const string RequestEncodingKey = "grpc-internal-encoding-request";
    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    private readonly GrpcChannel _channel;
    private readonly ProfilesService.ProfilesServiceClient _client;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly SecretRedactor _redactor;
    private readonly TimeSpan _timeout;
    private readonly bool _compress;

    /// <param name="endpoint">The receiver's base address, for example <c>http://localhost:4317</c>.</param>
    /// <param name="headers">Sent as metadata with every call; the values are treated as secrets.</param>
    /// <param name="timeout">Deadline of each call.</param>
    /// <param name="compress">Compress requests with gzip.</param>
    public OtlpGrpcProfilesExporter(Uri endpoint, IEnumerable<KeyValuePair<string, string>>? headers, TimeSpan timeout, bool compress)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"OTLP/gRPC endpoint '{Redaction.Url(endpoint)}' must use http or https.", nameof(endpoint));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);

        _headers = ExportHeaders.Validate(headers);
        _redactor = SecretRedactor.For(endpoint, _headers);
        _timeout = timeout;
        _compress = compress;
        this.Target = $"OTLP/gRPC {Redaction.Url(endpoint)}";

        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // A receiver behind a load balancer changes; do not pin one connection forever.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = true,
        });
        _client = new ProfilesService.ProfilesServiceClient(_channel);
    }

    public string Target { get; }

    public async ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken)
    {
        // The export's own HTTP/2 call must not show up as a span in the application's traces.
        using var suppress = SuppressInstrumentationScope.Begin();

        var options = new CallOptions(this.CreateMetadata(), DateTime.UtcNow + _timeout, cancellationToken);
        try
        {
            var response = await _client.ExportAsync(request, options).ResponseAsync.ConfigureAwait(false);
            var partial = response.PartialSuccess;
            return partial is null
                ? ExportOutcome.Ok
                : ExportOutcome.Accepted(partial.RejectedProfiles, ErrorText.Excerpt(partial.ErrorMessage, _redactor));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The profiles export was cancelled.", ex, cancellationToken);
        }
        catch (RpcException ex)
        {
            return this.Describe(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ErrorText.UnexpectedFailure(ex, _redactor);
        }
    }

    public void Dispose() => _channel.Dispose();

    public override string ToString() => this.Target;

    private Metadata CreateMetadata()
    {
        var metadata = new Metadata();
        foreach (var (name, value) in _headers)
        {
            metadata.Add(name, value);
        }

        if (_compress)
        {
            metadata.Add(RequestEncodingKey, "gzip");
        }

        return metadata;
    }

    private ExportOutcome Describe(RpcException ex)
    {
        var details = ex.Trailers.GetValueBytes(StatusDetailsTrailer) is { } bytes ? RpcStatusDecoder.TryDecode(bytes) : null;
        var retryDelay = details?.RetryDelay;

        // The client reports transport failures (connection refused, reset) as UNAVAILABLE with the cause in
        // DebugException; its message names the address, which is more useful than the generic detail.
        var reason = ErrorText.Excerpt(ex.Status.Detail, _redactor);
        if (ex.Status.DebugException is { } cause && cause.Message is { Length: > 0 } causeMessage)
        {
            reason = $"{reason} ({ErrorText.Excerpt(causeMessage, _redactor)})";
        }

        var kind = ex.StatusCode == StatusCode.DeadlineExceeded ? "timeout" : $"gRPC {ex.StatusCode}";
        var error = ex.StatusCode == StatusCode.DeadlineExceeded
            ? $"gRPC DeadlineExceeded: {reason} (the timeout is {_timeout.TotalSeconds:0.###} s)"
            : $"gRPC {ex.StatusCode}: {reason}";
        return ExportOutcome.Failed(
            kind,
            error,
            GrpcRetryClassifier.IsRetryable(ex.StatusCode, retryDelay.HasValue),
            retryDelay);
    }
}
