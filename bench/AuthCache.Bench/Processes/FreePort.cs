using System.Net;
using System.Net.Sockets;

namespace AuthCache.Bench.Processes;

public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it) and that this run has not handed out
    /// before: the OS may offer a port it just freed again, and one process given the same port twice (a silo
    /// and a gateway port) refuses to start.
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
