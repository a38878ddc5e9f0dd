using System.Net;
using System.Net.Sockets;
using AuthCache.Core;
using Microsoft.Extensions.Hosting;

namespace AuthCache.Hosting;

/// <summary>
/// Stops the start, before the silo opens its ports, when one of them is already taken on this machine: a second
/// process with the default ports would otherwise start without an error, and the two would share the ports and
/// receive each other's connections.
/// </summary>
internal sealed class OrleansPortCheck(IPAddress address, IReadOnlyList<(string Setting, int Port)> ports)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var taken = ports.Where(p => p.Port > 0 && IsTaken(p.Port)).ToList();
        if (taken.Count > 0)
        {
            throw new AuthCacheStartupException(
                string.Join(
                    "; ",
                    taken.Select(p =>
                        $"{p.Setting} {p.Port} is already in use on this machine (another silo or API host with the "
                            + "same ports?): "
                        + $"give this process free ports with {p.Setting} (environment "
                        + $"{p.Setting.Replace(":", "__", StringComparison.Ordinal)}).")));
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Linux's SOL_SOCKET and SO_REUSEADDR.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    private bool IsTaken(int port)
    {
        // Connections of an earlier run still in TIME_WAIT do not count (as for the silo's own listener), but any
        // socket listening on the port does. .NET's ReuseAddress would also set SO_REUSEPORT on Linux and share the
        // port with a listener that set it too, as Orleans' does; so only SO_REUSEADDR itself is set.
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }

        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException ex)
            when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
    }
}
