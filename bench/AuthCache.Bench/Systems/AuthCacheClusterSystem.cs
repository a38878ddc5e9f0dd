using System.Diagnostics;
using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Cluster mode: 2 silo processes (src/Silo) and 2 API hosts as Orleans clients, sharing Redis membership.
/// Started with the keys of cluster mode (<c>Orleans:Mode=Client</c>, <c>Orleans:Redis:ConnectionString</c>,
/// <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c>); the
/// start-up itself probes that the binaries honour them, and the system is skipped, never faked, when they do not.
/// </summary>
public sealed class AuthCacheClusterSystem : ISystemUnderTest
{
    private const int Silos = 2;
    private const int ApiHosts = 2;

    public string Name => "authcache-cluster";

    public string Description => $"{Silos} silo processes + {ApiHosts} API hosts in client mode, Redis membership, load split over the API hosts";

    public async Task<RunningSystem> StartAsync(SystemContext context)
    {
        if (RedisServer.FindExecutable("redis-server") is null || RedisServer.FindExecutable("redis-cli") is null)
        {
            throw new SystemUnavailableException("redis-server is not installed here (apt-get install -y redis-server)");
        }

        var redis = await RedisServer.StartAsync(context.LogDirectory);
        var clusterId = $"bench-{Guid.NewGuid():N}";
        const string serviceId = "authcache-bench";
        IEnumerable<string> Cluster() =>
        [
            $"--Orleans:Redis:ConnectionString={redis.ConnectionString}",
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:ServiceId={serviceId}",
        ];

        return await RunningSystem.StartAsync(async started =>
        {
            started.Add(redis.Process);
            for (var i = 1; i <= Silos; i++)
            {
                var port = FreePort.Next();
                var silo = SutProcess.StartDotnet(
                    $"silo-{i}",
                    context.Layout.SiloDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(), .. Cluster(), $"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}"],
                    SystemContext.ProductionEnvironment,
                    context.LogDirectory);
                started.Add(silo);
                await silo.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{port}/health/live"), TimeSpan.FromSeconds(90));
                if (i == 1)
                {
                    await RequireRedisMembershipAsync(redis);
                }
            }

            var endpoints = new List<Uri>();
            for (var i = 1; i <= ApiHosts; i++)
            {
                var port = FreePort.Next();
                var unusedSiloPort = FreePort.Next();
                var host = SutProcess.StartDotnet(
                    $"apihost-{i}",
                    context.Layout.ApiHostDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(), .. Cluster(), "--Orleans:Mode=Client", $"--Orleans:SiloPort={unusedSiloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
                    SystemContext.ProductionEnvironment,
                    context.LogDirectory);
                started.Add(host);
                endpoints.Add(new Uri($"http://127.0.0.1:{port}"));
                await host.WaitUntilReadyAsync(new Uri(endpoints[^1], "/health/live"), TimeSpan.FromSeconds(90));

                // A client never listens for silo traffic: a host that does has started its own embedded silo.
                if (FreePort.IsListening(unusedSiloPort))
                {
                    throw new SystemUnavailableException("cluster mode has not landed: the API host ignored Orleans:Mode=Client and started an embedded silo");
                }

                // A client connects in the background: measure only once it reaches the cluster and has keys.
                await host.WaitUntilReadyAsync(new Uri(endpoints[^1], "/api/v1/cache/health"), TimeSpan.FromSeconds(90), expectedBody: "\"status\":\"Healthy\"");
            }

            return endpoints;
        });
    }

    private static async Task RequireRedisMembershipAsync(RedisServer redis)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            if ((await redis.CommandAsync("KEYS", "*")).Contains("members", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new SystemUnavailableException("cluster mode has not landed: a silo given Orleans:Redis:ConnectionString did not register in Redis");
    }
}
