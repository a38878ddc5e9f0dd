using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// The co-hosted cluster: 2 API hosts (src/ApiHost in its default <c>Orleans:Mode=Embedded</c>) that each embed a
/// silo, joined through Redis membership (same <c>Orleans:ClusterId</c>/<c>ServiceId</c>, distinct silo and gateway
/// ports), load split over both. Probed like the client-mode cluster: both silos must be Active in Redis, or the
/// system is skipped, never faked.
/// </summary>
public sealed class AuthCacheCoHostedSystem(bool nearCache) : ISystemUnderTest
{
    private const int ApiHosts = 2;

    public string Name => SystemNames.CoHosted;

    public string Description => $"{ApiHosts} API hosts that each embed a silo, one cluster on Redis membership, load split over the API hosts";

    public bool? NearCache => nearCache;

    public async Task<RunningSystem> StartAsync(SystemContext context)
    {
        RedisCluster? cluster = null;
        var silos = new List<SiloProcess>();
        var running = await RunningSystem.StartAsync(async started =>
        {
            cluster = await RedisCluster.StartAsync(context, started);
            var endpoints = new List<Uri>();
            for (var i = 1; i <= ApiHosts; i++)
            {
                var port = FreePort.Next();
                var siloPort = FreePort.Next();
                var host = SutProcess.StartDotnet(
                    $"cohosted-{i}",
                    context.Layout.ApiHostDll,
                    [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(nearCache), .. cluster.Arguments(silo: true), $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
                    SystemContext.ProductionEnvironment,
                    context.LogDirectory);
                started.Add(host);
                silos.Add(new SiloProcess(host, siloPort));
                endpoints.Add(new Uri($"http://127.0.0.1:{port}"));
                await host.WaitUntilReadyAsync(new Uri(endpoints[^1], "/health/live"), TimeSpan.FromSeconds(90));
                if (i == 1)
                {
                    await cluster.RequireRegistrationAsync("an API host given Orleans:Redis:ConnectionString in Embedded mode");
                }
            }

            await cluster.RequireActiveAsync(ApiHosts);
            for (var i = 0; i < ApiHosts; i++)
            {
                await silos[i].Process.WaitUntilReadyAsync(new Uri(endpoints[i], "/api/v1/cache/health"), TimeSpan.FromSeconds(90), expectedBody: "\"status\":\"Healthy\"");
            }

            return endpoints;
        });
        return running.AsCluster(silos, cluster!.Membership);
    }
}
