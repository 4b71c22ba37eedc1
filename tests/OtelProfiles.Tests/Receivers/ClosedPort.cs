using System.Net;
using System.Net.Sockets;

namespace OtelProfiles.Tests.Receivers;

/// <summary>Addresses where nothing listens, for "receiver is down" tests (connection refused, not a timeout).</summary>
public static class ClosedPort
{
    /// <summary>A loopback port that was free a moment ago and is closed now.</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary><c>http://127.0.0.1:{closed port}</c> plus <paramref name="path"/>.</summary>
    public static Uri Uri(string path = "") => new($"http://127.0.0.1:{Find()}{path}");
}
