using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Cluster mode: silo processes (src/Silo) and API hosts as Orleans clients, sharing Redis membership. As
/// <c>authcache-cluster</c>, 2 silos and 2 API hosts the load is split over; as <c>authcache-client</c>, one silo and
/// one API host, the set-up a team tries first, which reads an API host's own throughput without a second host on
/// the same cores.
/// Started with the keys of cluster mode (<c>Orleans:Mode=Client</c>, <c>Orleans:Redis:ConnectionString</c>,
/// <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:SiloPort</c>, <c>Orleans:GatewayPort</c>); the
/// start-up itself probes that the binaries honour them, and the system is skipped, never faked, when they do not.
/// </summary>
public sealed class AuthCacheClusterSystem : ISystemUnderTest
{
    private readonly bool _nearCache;
    private readonly int _silos;
    private readonly int _apiHosts;
    private readonly bool _tls;

    private AuthCacheClusterSystem(bool nearCache, int silos, int apiHosts, bool tls)
    {
        _nearCache = nearCache;
        _silos = silos;
        _apiHosts = apiHosts;
        _tls = tls;
    }

    public string Name => (_apiHosts == 1 ? SystemNames.Client : SystemNames.Cluster) + (_tls ? SystemNames.TlsSuffix : "");

    public string Description => (_apiHosts == 1
        ? $"{_silos} silo process + 1 API host in client mode, Redis membership"
        : $"{_silos} silo processes + {_apiHosts} API hosts in client mode, Redis membership, load split over the API hosts")
        + (_tls ? "; mutual TLS on every Orleans connection (deploy/dev-certs certificates)" : "");

    public bool? NearCache => _nearCache;

    /// <summary>2 silos and 2 API hosts: <c>authcache-cluster</c> (with <paramref name="tls"/>, <c>authcache-cluster + tls</c>).</summary>
    public static AuthCacheClusterSystem Cluster(bool nearCache, bool tls = false) => new(nearCache, silos: 2, apiHosts: 2, tls);

    /// <summary>1 silo and 1 API host: <c>authcache-client</c> (with <paramref name="tls"/>, <c>authcache-client + tls</c>).</summary>
    public static AuthCacheClusterSystem Client(bool nearCache, bool tls = false) => new(nearCache, silos: 1, apiHosts: 1, tls);

    public async Task<RunningSystem> StartAsync(SystemContext context)
    {
        RedisCluster? cluster = null;
        var siloProcesses = new List<SiloProcess>();
        var running = await RunningSystem.StartAsync(async started =>
        {
            cluster = await RedisCluster.StartAsync(context, started, _tls);
            siloProcesses.AddRange(await cluster.StartSilosAsync(context, started, _silos, _nearCache));
            if (_tls)
            {
                await (await context.CertificatesAsync()).RequireTlsAsync(siloProcesses[0].SiloPort);
            }
            var endpoints = new List<Uri>();
            for (var i = 1; i <= _apiHosts; i++)
            {
                var port = FreePort.Next();
                var unusedSiloPort = FreePort.Next();
                var host = SutProcess.StartDotnet(
                    $"apihost-{i}",
                    context.Layout.ApiHostDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(_nearCache), .. cluster.Arguments(silo: false), "--Orleans:Mode=Client", $"--Orleans:SiloPort={unusedSiloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
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
        return running.AsCluster(siloProcesses, cluster!.Membership);
    }
}
