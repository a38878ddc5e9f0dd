using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using AuthCache.Tests.Infrastructure;
using StackExchange.Redis;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> (the Debian package) on a free 127.0.0.1 port, without persistence, owned by
/// the test: started here, killed at dispose, so no test depends on a system service.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _aclFile;

    private RedisServer(Process process, int port, ConnectionMultiplexer connection, string connectionString, string clientConnectionString, string? aclFile)
    {
        _process = process;
        Port = port;
        Connection = connection;
        ConnectionString = connectionString;
        ClientConnectionString = clientConnectionString;
        _aclFile = aclFile;
    }

    public int Port { get; }

    /// <summary>What silos connect with (and the test's own <see cref="Connection"/>): the silo user when users are on.</summary>
    public string ConnectionString { get; }

    /// <summary>What API hosts in client mode connect with: the user that may only read the membership table when users are on.</summary>
    public string ClientConnectionString { get; }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    /// <param name="usersOfServiceId">
    /// Start with the Redis users the deployment ships (deploy/k8s/components/in-cluster-redis/users.acl) for this
    /// Orleans ServiceId, with fresh passwords, and the default user off; null for one user without a password.
    /// </param>
    public static async Task<RedisServer> StartAsync(string? usersOfServiceId = null)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        string connectionString = $"127.0.0.1:{port}", clientConnectionString = connectionString;
        string? aclFile = null;
        if (usersOfServiceId is not null)
        {
            string siloPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), clientPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            aclFile = Path.Combine(Path.GetTempPath(), $"authcache-redis-{port}-{Guid.NewGuid():N}.acl");
            await File.WriteAllLinesAsync(aclFile, (await File.ReadAllLinesAsync(RepositoryFiles.PathOf("deploy/k8s/components/in-cluster-redis/users.acl")))
                .Where(line => !line.StartsWith('#'))
                .Select(line => line.Replace("@SERVICE_ID@", usersOfServiceId).Replace("@SILO_PASSWORD@", siloPassword).Replace("@CLIENT_PASSWORD@", clientPassword)));
            start.ArgumentList.Add("--aclfile");
            start.ArgumentList.Add(aclFile);
            connectionString += $",user=authcache-silo,password={siloPassword}";
            clientConnectionString += $",user=authcache-client,password={clientPassword}";
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server (.ci/run does this).", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},connectTimeout=1000");
                await connection.GetDatabase().PingAsync();
                return new RedisServer(process, port, connection, connectionString, clientConnectionString, aclFile);
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_aclFile is not null)
        {
            File.Delete(_aclFile);
        }
    }
}
