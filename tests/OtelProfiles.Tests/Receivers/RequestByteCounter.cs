using Microsoft.AspNetCore.Http;

namespace OtelProfiles.Tests.Receivers;

/// <summary>
/// Counts the request body bytes as they come off the wire, before any decompression, so tests can see that gzip
/// really shrank the body. Installed as middleware in front of the gRPC and HTTP endpoints.
/// </summary>
internal sealed class RequestByteCounter : Stream
{
    private readonly Stream _inner;
    private long _bytesRead;

    private RequestByteCounter(Stream inner) => _inner = inner;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public static async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        var counter = new RequestByteCounter(context.Request.Body);
        context.Request.Body = counter;
        context.Items[typeof(RequestByteCounter)] = counter;
        await next(context);
    }

    public static long BytesReadBy(HttpContext context) =>
        context.Items.TryGetValue(typeof(RequestByteCounter), out var counter) ? ((RequestByteCounter)counter!).BytesRead : -1;

    public override int Read(byte[] buffer, int offset, int count) => this.Counted(_inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        this.Counted(await _inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        this.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        Interlocked.Add(ref _bytesRead, read);
        return read;
    }
}
