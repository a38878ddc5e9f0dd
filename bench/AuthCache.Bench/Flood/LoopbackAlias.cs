using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace AuthCache.Bench.Flood;

/// <summary>
/// A second client address for the flood. Linux routes all of 127.0.0.0/8 to the loopback interface, so sockets
/// bound to 127.0.0.2 reach a server on 127.0.0.1, which then sees the flood and the valid load as two clients
/// and limits failed authentications per address as it would for an attacker and a user.
/// </summary>
public static class LoopbackAlias
{
    public static readonly IPAddress FloodAddress = IPAddress.Parse("127.0.0.2");

    /// <summary>The flood's address if a connection from it reaches <paramref name="target"/>; otherwise null (the flood then shares 127.0.0.1).</summary>
    public static async Task<IPAddress?> ProbeAsync(Uri target)
    {
        try
        {
            await using var stream = await ConnectAsync(FloodAddress, new DnsEndPoint(target.Host, target.Port), CancellationToken.None);
            return FloodAddress;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> whose connections leave from <paramref name="local"/>.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> BindTo(IPAddress local) =>
        async (context, cancellationToken) => await ConnectAsync(local, context.DnsEndPoint, cancellationToken);

    private static async Task<Stream> ConnectAsync(IPAddress local, DnsEndPoint remote, CancellationToken cancellationToken)
    {
        var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(remote, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
