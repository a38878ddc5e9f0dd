using System.Net;
using AuthCache.Grains;

namespace AuthCache.ApiHost.Hosting;

public static class EmbeddedSiloExtensions
{
    /// <summary>
    /// Co-hosts a silo in the API host (the default, "Embedded" mode): localhost clustering and in-memory
    /// reminders, so one process runs the whole cache with no external service. Further local API hosts join the
    /// first one's cluster with <c>Orleans:PrimarySiloPort</c>.
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheSilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection(OrleansHostingOptions.SectionName).Get<OrleansHostingOptions>() ?? new();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(
                orleans.SiloPort,
                orleans.GatewayPort,
                primarySiloEndpoint: orleans.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
                serviceId: orleans.ServiceId,
                clusterId: orleans.ClusterId)
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        return builder;
    }
}
