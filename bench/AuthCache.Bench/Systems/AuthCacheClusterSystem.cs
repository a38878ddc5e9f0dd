using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Cluster mode: 2 silo processes (src/Silo) and 2 API hosts as Orleans clients, sharing Redis membership.
/// Started with the keys of cluster mode (<c>Orleans:Mode=Client</c>, <c>Orleans:Redis:ConnectionString</c>,
/// <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c>); the
/// start-up itself probes that the binaries honour them, and the system is skipped, never faked, when they do not.
/// </summary>
public sealed class AuthCacheClusterSystem(bool nearCache) : ISystemUnderTest
{
    private const int Silos = 2;
    private const int ApiHosts = 2;

    public string Name => "authcache-cluster";

    public string Description => $"{Silos} silo processes + {ApiHosts} API hosts in client mode, Redis membership, load split over the API hosts";

    public bool? NearCache => nearCache;

    public async Task<RunningSystem> StartAsync(SystemContext context)
    {
        RedisCluster? cluster = null;
        var silos = new List<SiloProcess>();
        var running = await RunningSystem.StartAsync(async started =>
        {
            cluster = await RedisCluster.StartAsync(context, started);
            for (var i = 1; i <= Silos; i++)
            {
                var port = FreePort.Next();
                var siloPort = FreePort.Next();
                var silo = SutProcess.StartDotnet(
                    $"silo-{i}",
                    context.Layout.SiloDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(nearCache), .. cluster.Arguments(), $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
                    SystemContext.ProductionEnvironment,
                    context.LogDirectory);
                started.Add(silo);
                silos.Add(new SiloProcess(silo, siloPort));
                await silo.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{port}/health/live"), TimeSpan.FromSeconds(90));
                if (i == 1)
                {
                    await cluster.RequireRegistrationAsync("cluster mode has not landed: a silo given Orleans:Redis:ConnectionString");
                }
            }

            await cluster.RequireActiveAsync(Silos);
            var endpoints = new List<Uri>();
            for (var i = 1; i <= ApiHosts; i++)
            {
                var port = FreePort.Next();
                var unusedSiloPort = FreePort.Next();
                var host = SutProcess.StartDotnet(
                    $"apihost-{i}",
                    context.Layout.ApiHostDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(nearCache), .. cluster.Arguments(), "--Orleans:Mode=Client", $"--Orleans:SiloPort={unusedSiloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
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
        return running.AsCluster(silos, cluster!.Membership);
    }
}
