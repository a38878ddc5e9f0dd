using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Telemetry;
using AuthCache.Grains;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace AuthCache.Silo;

public static class SiloComposition
{
    /// <summary>
    /// A silo with the AuthCache grains: localhost clustering and in-memory reminders by default.
    /// <c>Orleans:PrimarySiloPort</c> lets it join another local silo (for example an API host's). Its web
    /// side serves health probes, <c>/metrics</c> and the Orleans Dashboard (admin key only).
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
        builder.AddAuthCacheTelemetry();
        builder.Services.AddAuthentication(AuthCacheDefaults.AdminKeyScheme).AddAuthCacheAdmin();
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static WebApplication MapSilo(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        app.MapPrometheusScrapingEndpoint();
        app.MapAuthCacheDashboard();
        return app;
    }
}
