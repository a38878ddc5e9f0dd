using AuthCache.Grains;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace AuthCache.Silo;

public static class SiloComposition
{
    /// <summary>
    /// A silo with the AuthCache grains and nothing else: localhost clustering and in-memory reminders by
    /// default. <c>Orleans:PrimarySiloPort</c> lets it join another local silo (for example an API host's).
    /// </summary>
    public static WebApplicationBuilder AddStandaloneSilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var gatewayPort = orleans.GetValue("GatewayPort", 30000);
        var primaryPort = orleans.GetValue("PrimarySiloPort", siloPort);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(
                siloPort,
                gatewayPort,
                primarySiloEndpoint: new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, primaryPort),
                serviceId: orleans["ServiceId"] ?? "authcache",
                clusterId: orleans["ClusterId"] ?? "authcache-dev")
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static WebApplication MapSiloHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        return app;
    }
}
