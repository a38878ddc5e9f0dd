using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Plain ASP.NET Core: <c>AddJwtBearer</c> (keys cached per process by its ConfigurationManager) plus an
/// IMemoryCache of user profiles per process. With several instances, each keeps its own caches.
/// With <c>idleSilos</c>, the processes share the cores with <c>authcache-cluster</c>'s 2 silos and Redis, which serve
/// no request: what a silo's mere presence on the API hosts' cores costs, apart from anything the cache does.
/// </summary>
public sealed class JwtBearerSystem(int instances = 1, bool idleSilos = false) : ISystemUnderTest
{
    private const int IdleSilos = 2;

    public string Name => (instances, idleSilos) switch
    {
        (_, true) => SystemNames.TwoJwtBearerBesideIdleSilos,
        (1, _) => SystemNames.JwtBearer,
        (2, _) => SystemNames.TwoJwtBearer,
        _ => $"{instances} × jwtbearer",
    };

    public string Description => (instances, idleSilos) switch
    {
        (_, true) => $"{instances} independent jwtbearer processes beside {IdleSilos} silo processes and Redis that serve no request",
        (1, _) => "AddJwtBearer (ConfigurationManager key cache) + IMemoryCache of users (5 min), one process",
        _ => $"{instances} independent jwtbearer processes, load split evenly (the cluster's comparison)",
    };

    public bool? NearCache => null;

    public Task<RunningSystem> StartAsync(SystemContext context) => RunningSystem.StartAsync(async started =>
    {
        if (idleSilos)
        {
            var cluster = await RedisCluster.StartAsync(context, started);
            await cluster.StartSilosAsync(context, started, IdleSilos, nearCache: true);
        }

        var endpoints = new List<Uri>();
        for (var i = 0; i < instances; i++)
        {
            var port = FreePort.Next();
            var process = SutProcess.StartDotnet(
                instances == 1 ? "jwtbearer" : $"jwtbearer-{i + 1}",
                context.Layout.ContendersDll,
                [.. SystemContext.HttpArguments(port), .. BaselineSystem.ContenderArguments(context.Issuer, "jwtbearer")],
                SystemContext.ProductionEnvironment,
                context.LogDirectory);
            started.Add(process);
            endpoints.Add(new Uri($"http://127.0.0.1:{port}"));
            await process.WaitUntilReadyAsync(new Uri(endpoints[^1], "/health/live"), TimeSpan.FromSeconds(60));
        }

        return endpoints;
    });
}
