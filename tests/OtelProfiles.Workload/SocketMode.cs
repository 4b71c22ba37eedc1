using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OtelProfiles;

/// <summary>
/// The "sockets" mode: a loopback TCP echo server and clients exchanging small messages as fast as they can, so the
/// profiles are full of the framework's precompiled socket code (System.Net.Sockets, the thread pool, async state
/// machines over value types), the code that showed up as unnamed frames before images were read for names.
/// </summary>
internal static class SocketMode
{
    private const int Clients = 8;
    private const int MessageBytes = 256;

    public static async Task RunAsync(int seconds, IHost host)
    {
        var profiler = host.Services.GetRequiredService<ContinuousProfiler>();
        if (!SpinWait.SpinUntil(() => profiler.IsRunning, TimeSpan.FromSeconds(30)))
        {
            Console.WriteLine("PROFILER NOT RUNNING");
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Clients);
        Task server = Task.Run(() => ServeAsync(listener, stop.Token));
        long[] exchanges = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(() => ClientAsync((IPEndPoint)listener.LocalEndPoint!, stop.Token))));
        listener.Close();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
        Console.WriteLine($"SOCKETS TRUTH exchanges={exchanges.Sum()}");
        Console.WriteLine("WORKLOAD DONE mode=sockets");
    }

    private static async Task ServeAsync(Socket listener, CancellationToken token)
    {
        var connections = new List<Task>();
        while (!token.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            connections.Add(Task.Run(() => EchoAsync(connection, token)));
        }

        await Task.WhenAll(connections);
    }

    private static async Task EchoAsync(Socket connection, CancellationToken token)
    {
        using (connection)
        {
            byte[] buffer = new byte[MessageBytes];
            try
            {
                while (true)
                {
                    int read = await connection.ReceiveAsync(buffer, SocketFlags.None, token);
                    if (read == 0)
                    {
                        return;
                    }

                    await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static async Task<long> ClientAsync(IPEndPoint server, CancellationToken token)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, token);
        byte[] message = new byte[MessageBytes];
        byte[] reply = new byte[MessageBytes];
        long exchanges = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await socket.SendAsync(message, SocketFlags.None, token);
                int received = 0;
                while (received < MessageBytes)
                {
                    int read = await socket.ReceiveAsync(reply.AsMemory(received), SocketFlags.None, token);
                    if (read == 0)
                    {
                        return exchanges;
                    }

                    received += read;
                }

                exchanges++;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
        }

        return exchanges;
    }
}
