using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Our API host (src/ApiHost) with its embedded silo, configured through the keys docs/configuration.md documents. With
/// <c>redisStorage</c> it is also given <c>Orleans:Redis:ConnectionString</c> of a throw-away redis-server, so its
/// grain state (the revocation list among it) is stored in Redis, as a deployment that must survive a restart runs it.
/// </summary>
public sealed class AuthCacheEmbeddedSystem(bool nearCache, bool redisStorage = false) : ISystemUnderTest
{
    public string Name => redisStorage ? SystemNames.EmbeddedOnRedis : SystemNames.Embedded;

    public string Description => redisStorage
        ? "src/ApiHost with its embedded silo, grain storage and membership in Redis"
        : "src/ApiHost with its embedded silo (request cache + token/user/JWKS grains)";

    public bool? NearCache => nearCache;

    public async Task<RunningSystem> StartAsync(SystemContext context)
    {
        RedisCluster? cluster = null;
        var siloPort = FreePort.Next();
        var running = await RunningSystem.StartAsync(async started =>
        {
            if (redisStorage)
            {
                cluster = await RedisCluster.StartAsync(context, started);
            }

            var port = FreePort.Next();
            var process = SutProcess.StartDotnet(
                Name.Replace(' ', '-'),
                context.Layout.ApiHostDll,
                [
                    .. SystemContext.HttpArguments(port),
                    .. context.AuthCacheArguments(nearCache),
                    $"--Orleans:SiloPort={siloPort}",
                    $"--Orleans:GatewayPort={FreePort.Next()}",
                    .. cluster?.Arguments(silo: true) ?? [$"--Orleans:ClusterId=bench-{Guid.NewGuid():N}"],
                ],
                SystemContext.ProductionEnvironment,
                context.LogDirectory);
            started.Add(process);
            var endpoint = new Uri($"http://127.0.0.1:{port}");
            await process.WaitUntilReadyAsync(new Uri(endpoint, "/health/live"), TimeSpan.FromSeconds(90));
            if (cluster is not null)
            {
                await cluster.RequireRegistrationAsync("an API host given Orleans:Redis:ConnectionString in Embedded mode");
                await process.WaitUntilReadyAsync(new Uri(endpoint, "/api/v1/cache/health"), TimeSpan.FromSeconds(90), expectedBody: "\"status\":\"Healthy\"");
            }

            return [endpoint];
        });
        return cluster is null ? running : running.AsCluster([new SiloProcess(running.Processes[^1], siloPort)], cluster.Membership);
    }
}
