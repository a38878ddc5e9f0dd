using AuthCache.Grains;

namespace AuthCache.ApiHost.Hosting;

public static class EmbeddedSiloExtensions
{
    /// <summary>
    /// Co-hosts a silo in the API host (the default, "Embedded" mode): localhost clustering and in-memory
    /// reminders, so one process runs the whole cache with no external service.
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheSilo(this WebApplicationBuilder builder, OrleansHostingOptions orleans)
    {
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId)
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        return builder;
    }
}
