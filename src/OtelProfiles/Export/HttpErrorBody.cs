using System.Net.Http.Headers;
using System.Text;

namespace OtelProfiles.Export;

/// <summary>Reads the reason out of an OTLP/HTTP error response: a protobuf <c>google.rpc.Status</c> or plain text.</summary>
internal static class HttpErrorBody
{
    // Never buffer a whole error page into memory just to log 256 characters of it.
    private const int MaxErrorBytes = 16 * 1024;

    public static async Task<string> ReadReasonAsync(HttpContent content, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var bytes = await ReadPrefixAsync(content, MaxErrorBytes, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return string.Empty;
        }

        if (IsProtobuf(content.Headers.ContentType) && RpcStatusDecoder.TryDecode(bytes) is { } status)
        {
            return ErrorText.Excerpt(status.Message, redactor);
        }

        return ErrorText.Excerpt(Encoding.UTF8.GetString(bytes), redactor);
    }

    public static bool IsProtobuf(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is "application/x-protobuf" or "application/protobuf";

    /// <summary>Reads at most <paramref name="maxBytes"/> of the body, so a misbehaving server cannot make us buffer megabytes.</summary>
    public static async Task<byte[]> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[maxBytes];
        var total = 0;
        int read;
        while (total < buffer.Length
               && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return buffer.AsSpan(0, total).ToArray();
    }
}
