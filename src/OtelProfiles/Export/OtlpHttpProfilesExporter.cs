using System.IO.Compression;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Configuration;

namespace OtelProfiles.Export;

/// <summary>Sends export requests to an OTLP/HTTP receiver as <c>application/x-protobuf</c> POSTs.</summary>
internal sealed class OtlpHttpProfilesExporter : IProfilesExporter
{
    private const string ProtobufMediaType = "application/x-protobuf";

    // An ExportProfilesServiceResponse is a count and a message; anything bigger is not one.
    private const int MaxResponseBytes = 64 * 1024;

    private readonly HttpClient _httpClient;
    private readonly Uri _endpoint;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly SecretRedactor _redactor;
    private readonly TimeSpan _timeout;
    private readonly bool _compress;
    private readonly TimeProvider _timeProvider;

    /// <param name="endpoint">The full URL to POST to, for example <c>http://localhost:4318/v1development/profiles</c>.</param>
    /// <param name="headers">Sent with every request; the values are treated as secrets.</param>
    /// <param name="timeout">Time limit of each request, from sending to reading the answer.</param>
    /// <param name="compress">Compress request bodies with gzip (<c>Content-Encoding: gzip</c>).</param>
    /// <param name="timeProvider">Clock for turning a <c>Retry-After</c> date into a delay.</param>
    public OtlpHttpProfilesExporter(
        Uri endpoint,
        IEnumerable<KeyValuePair<string, string>>? headers,
        TimeSpan timeout,
        bool compress,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"OTLP/HTTP endpoint '{Redaction.Url(endpoint)}' must be an absolute http or https URL.", nameof(endpoint));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);

        _endpoint = endpoint;
        _headers = ExportHeaders.Validate(headers);
        _redactor = SecretRedactor.For(endpoint, _headers);
        _timeout = timeout;
        _compress = compress;
        _timeProvider = timeProvider ?? TimeProvider.System;
        this.Target = $"OTLP/HTTP {Redaction.Url(endpoint)}";

        _httpClient = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        })
        {
            // Each request gets its own time limit below; HttpClient's would be indistinguishable from the caller's cancellation.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string Target { get; }

    public async ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken)
    {
        // The export's own POST must not show up as a span in the application's traces.
        using var suppress = SuppressInstrumentationScope.Begin();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(_timeout);
        using var message = this.CreateRequest(request);
        try
        {
            using var response = await _httpClient
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token)
                .ConfigureAwait(false);
            return await this.DescribeAsync(response, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return ExportOutcome.Failed(
                "timeout",
                $"HTTP request timed out: no answer within {_timeout.TotalSeconds:0.###} s",
                retryable: true);
        }
        catch (HttpRequestException ex)
        {
            // Connection refused, reset, DNS: the receiver is away and may come back.
            var cause = ex.InnerException?.Message is { Length: > 0 } inner && inner != ex.Message ? $" ({inner})" : string.Empty;
            return ExportOutcome.Failed(
                "connection failed",
                ErrorText.Excerpt($"HTTP request failed: {ex.Message}{cause}", _redactor),
                retryable: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ErrorText.UnexpectedFailure(ex, _redactor);
        }
    }

    public void Dispose() => _httpClient.Dispose();

    public override string ToString() => this.Target;

    private HttpRequestMessage CreateRequest(ExportProfilesServiceRequest request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(_compress ? Gzip(request) : request.ToByteArray()),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufMediaType);
        if (_compress)
        {
            message.Content.Headers.ContentEncoding.Add("gzip");
        }

        foreach (var (name, value) in _headers)
        {
            // Validated at construction; "without validation" keeps the value out of any parser exception message.
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private async Task<ExportOutcome> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return await this.ReadPartialSuccessAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }

        var reason = await HttpErrorBody.ReadReasonAsync(response.Content, _redactor, cancellationToken).ConfigureAwait(false);
        var error = reason.Length == 0
            ? $"HTTP {status} {response.ReasonPhrase}"
            : $"HTTP {status} {response.ReasonPhrase}: {reason}";
        var retryable = HttpRetryClassifier.IsRetryable(response.StatusCode);
        var retryAfter = retryable ? HttpRetryClassifier.RetryAfter(response.Headers.RetryAfter, _timeProvider.GetUtcNow()) : null;
        return ExportOutcome.Failed($"HTTP {status}", ErrorText.Excerpt(error, _redactor), retryable, retryAfter);
    }

    private async Task<ExportOutcome> ReadPartialSuccessAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (!HttpErrorBody.IsProtobuf(content.Headers.ContentType))
        {
            return ExportOutcome.Ok;
        }

        var bytes = await HttpErrorBody.ReadPrefixAsync(content, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            var partial = ExportProfilesServiceResponse.Parser.ParseFrom(bytes).PartialSuccess;
            return partial is null
                ? ExportOutcome.Ok
                : ExportOutcome.Accepted(partial.RejectedProfiles, ErrorText.Excerpt(partial.ErrorMessage, _redactor));
        }
        catch (InvalidProtocolBufferException)
        {
            // The receiver said 2xx: the data arrived even if its answer is unreadable.
            return ExportOutcome.Ok;
        }
    }

    private static byte[] Gzip(ExportProfilesServiceRequest request)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            request.WriteTo(gzip);
        }

        return buffer.ToArray();
    }
}
