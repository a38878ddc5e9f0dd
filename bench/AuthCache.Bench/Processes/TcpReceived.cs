using System.Diagnostics;
using System.Globalization;

namespace AuthCache.Bench.Processes;

/// <summary>
/// Bytes a process's TCP connections have received, per connection, as the kernel counts them (<c>bytes_received</c>
/// of tcp_info, read with <c>ss -tinp</c>): what reached its sockets, read by it or still buffered, on loopback too.
/// </summary>
public sealed class TcpReceived
{
    private readonly Dictionary<string, long> _byConnection;

    private TcpReceived(Dictionary<string, long> byConnection) => _byConnection = byConnection;

    /// <summary>The connections of <paramref name="pid"/> but those on <paramref name="excludedLocalPort"/>; null where <c>ss</c> is missing or failed.</summary>
    public static async Task<TcpReceived?> ReadAsync(int pid, int excludedLocalPort)
    {
        if (RedisServer.FindExecutable("ss") is not { } ss)
        {
            return null;
        }

        var info = new ProcessStartInfo(ss) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-tinpH"])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            return null;
        }

        // One line per socket (state, queues, local, peer, users:((…,pid=N,…))), then an indented line of tcp_info.
        var owner = $"pid={pid.ToString(CultureInfo.InvariantCulture)},";
        var excluded = ":" + excludedLocalPort.ToString(CultureInfo.InvariantCulture);
        var connections = new Dictionary<string, long>(StringComparer.Ordinal);
        var lines = output.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            var fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (char.IsWhiteSpace(lines[i], 0) || fields.Length < 6 || !lines[i].Contains(owner, StringComparison.Ordinal) || fields[3].EndsWith(excluded, StringComparison.Ordinal))
            {
                continue;
            }

            var received = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(f => f.StartsWith("bytes_received:", StringComparison.Ordinal));
            connections[fields[3] + " " + fields[4]] = received is null ? 0 : long.Parse(received["bytes_received:".Length..], CultureInfo.InvariantCulture);
        }

        return new TcpReceived(connections);
    }

    /// <summary>
    /// Received since <paramref name="before"/>: growth of the connections open then, plus all of those opened
    /// since; what connections closed in between received after <paramref name="before"/> is not seen.
    /// </summary>
    public long Since(TcpReceived before) =>
        _byConnection.Sum(c => c.Value - before._byConnection.GetValueOrDefault(c.Key));
}
