using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Plain ASP.NET Core: <c>AddJwtBearer</c> (keys cached per process by its ConfigurationManager) plus an
/// IMemoryCache of user profiles per process. With several instances, each keeps its own caches.
/// </summary>
public sealed class JwtBearerSystem(int instances = 1) : ISystemUnderTest
{
    public string Name => instances switch { 1 => SystemNames.JwtBearer, 2 => SystemNames.TwoJwtBearer, _ => $"{instances} × jwtbearer" };

    public string Description => instances == 1
        ? "AddJwtBearer (ConfigurationManager key cache) + IMemoryCache of users (5 min), one process"
        : $"{instances} independent jwtbearer processes, load split evenly (the cluster's comparison)";

    public bool? NearCache => null;

    public Task<RunningSystem> StartAsync(SystemContext context) => RunningSystem.StartAsync(async started =>
    {
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
