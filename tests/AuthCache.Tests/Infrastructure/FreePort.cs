using System.Net;
using System.Net.Sockets;

namespace AuthCache.Tests.Infrastructure;

internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port the OS offered as free and that no earlier call handed out: the OS may offer a port it just freed
    /// again, and a host given the same port for its silo and its gateway refuses to start.
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
}
