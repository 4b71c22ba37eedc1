using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OtelProfiles.Tests.Export.Faults;

/// <summary>How a <see cref="FaultyReceiver"/> misbehaves on each connection.</summary>
public enum ReceiverFault
{
    /// <summary>Accepts the connection and closes it at once, before reading anything.</summary>
    Refusing,

    /// <summary>Accepts and reads everything, never answers.</summary>
    Hanging,

    /// <summary>Reads the first bytes of the request, then resets the connection (RST).</summary>
    Resetting,

    /// <summary>HTTP/1.1: reads each request whole, waits <see cref="FaultyReceiver.SlowDelay"/>, then answers 200.</summary>
    Slow,

    /// <summary>HTTP/1.1: answers every request with 200, a protobuf content type and a body that is not protobuf.</summary>
    GarbageBody,

    /// <summary>Answers the first bytes of any request with random bytes that are no protocol at all, then closes.</summary>
    GarbageBytes,
}

/// <summary>
/// A real TCP server on 127.0.0.1 that breaks the rules in one way (<see cref="ReceiverFault"/>): the faults an
/// OTLP receiver, a proxy or a dying process shows, which a well-behaved test receiver cannot. Counts connections.
/// </summary>
public sealed class FaultyReceiver : IAsyncDisposable
{
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(3);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ReceiverFault _fault;
    private readonly Task _acceptLoop;
    private readonly List<Socket> _open = [];
    private int _connections;

    private FaultyReceiver(ReceiverFault fault)
    {
        _fault = fault;
        _listener.Start();
        this.Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(this.AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The base address (what a gRPC endpoint or OTEL_EXPORTER_OTLP_ENDPOINT is set to).</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{this.Port}");

    /// <summary>The OTLP/HTTP profiles URL on this server.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{this.Port}/v1development/profiles");

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static FaultyReceiver Start(ReceiverFault fault) => new(fault);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            lock (_open)
            {
                _open.Add(socket);
            }

            _ = Task.Run(() => this.ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var token = _stopping.Token;
        var buffer = new byte[64 * 1024];
        try
        {
            switch (_fault)
            {
                case ReceiverFault.Refusing:
                    socket.Close();
                    break;
                case ReceiverFault.Hanging:
                    while (await socket.ReceiveAsync(buffer, token) > 0)
                    {
                    }

                    break;
                case ReceiverFault.Resetting:
                    await socket.ReceiveAsync(buffer, token);
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    break;
                case ReceiverFault.GarbageBytes:
                    await socket.ReceiveAsync(buffer, token);
                    var garbage = new byte[512];
                    Random.Shared.NextBytes(garbage);
                    await socket.SendAsync(garbage, token);
                    socket.Close();
                    break;
                case ReceiverFault.Slow:
                case ReceiverFault.GarbageBody:
                    await this.ServeHttpAsync(socket, buffer, token);
                    break;
            }
        }
        catch (Exception)
        {
            // The client went away or the receiver stops: either way this connection is over.
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>A minimal HTTP/1.1 keep-alive loop: enough of the protocol to misbehave at the right moment.</summary>
    private async Task ServeHttpAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        var received = new List<byte>();
        while (true)
        {
            var headerEnd = IndexOf(received, "\r\n\r\n"u8);
            while (headerEnd < 0)
            {
                var read = await socket.ReceiveAsync(buffer, token);
                if (read == 0)
                {
                    return;
                }

                received.AddRange(buffer.AsSpan(0, read));
                headerEnd = IndexOf(received, "\r\n\r\n"u8);
            }

            var headers = Encoding.ASCII.GetString(received.GetRange(0, headerEnd).ToArray());
            var length = ContentLength(headers);
            var total = headerEnd + 4 + length;
            while (received.Count < total)
            {
                var read = await socket.ReceiveAsync(buffer, token);
                if (read == 0)
                {
                    return;
                }

                received.AddRange(buffer.AsSpan(0, read));
            }

            received.RemoveRange(0, total);
            byte[] answer;
            if (_fault == ReceiverFault.Slow)
            {
                await Task.Delay(SlowDelay, token);
                answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
            }
            else
            {
                var body = new byte[300];
                Random.Shared.NextBytes(body);
                answer = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
            }

            await socket.SendAsync(answer, token);
        }
    }

    private static int ContentLength(string headers)
    {
        foreach (var line in headers.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern)
    {
        for (var i = 0; i + pattern.Length <= bytes.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = bytes[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
