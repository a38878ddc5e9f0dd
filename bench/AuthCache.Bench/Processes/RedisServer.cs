using System.Diagnostics;

namespace AuthCache.Bench.Processes;

/// <summary>
/// A throw-away redis-server on 127.0.0.1 (no persistence) for the cluster system's membership table, queried
/// with redis-cli. Only available where Debian's redis-server package is installed.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly SutProcess _process;

    private RedisServer(SutProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public SutProcess Process => _process;

    public static string? FindExecutable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static async Task<RedisServer> StartAsync(string logDirectory)
    {
        var executable = FindExecutable("redis-server") ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server)");
        var port = FreePort.Next();
        var process = SutProcess.Start(
            "redis",
            executable,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            logDirectory,
            new Dictionary<string, string>(),
            logDirectory);
        var server = new RedisServer(process, port);
        var waited = Stopwatch.StartNew();
        while (await server.CommandAsync("PING") != "PONG")
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("redis-server did not start:" + Environment.NewLine + process.Tail());
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>Runs one redis-cli command against this server and returns its raw output (trimmed).</summary>
    public async Task<string> CommandAsync(params string[] command)
    {
        var info = new ProcessStartInfo(FindExecutable("redis-cli") ?? throw new InvalidOperationException("redis-cli is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", Port.ToString(), "--raw", .. command])
        {
            info.ArgumentList.Add(argument);
        }

        using var cli = System.Diagnostics.Process.Start(info)!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output.Trim();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
