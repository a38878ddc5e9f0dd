using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>Our API host (src/ApiHost) with its embedded silo, configured through the README's keys.</summary>
public sealed class AuthCacheEmbeddedSystem(bool nearCache) : ISystemUnderTest
{
    public string Name => SystemNames.Embedded;

    public string Description => "src/ApiHost with its embedded silo (request cache + token/user/JWKS grains)";

    public bool? NearCache => nearCache;

    public Task<RunningSystem> StartAsync(SystemContext context) => RunningSystem.StartAsync(async started =>
    {
        var port = FreePort.Next();
        var process = SutProcess.StartDotnet(
            Name,
            context.Layout.ApiHostDll,
            [
                .. SystemContext.HttpArguments(port),
                .. context.AuthCacheArguments(nearCache),
                $"--Orleans:SiloPort={FreePort.Next()}",
                $"--Orleans:GatewayPort={FreePort.Next()}",
                $"--Orleans:ClusterId=bench-{Guid.NewGuid():N}",
            ],
            SystemContext.ProductionEnvironment,
            context.LogDirectory);
        started.Add(process);
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        await process.WaitUntilReadyAsync(new Uri(endpoint, "/health/live"), TimeSpan.FromSeconds(90));
        return [endpoint];
    });
}
