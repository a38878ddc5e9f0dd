using AuthCache.Grains;
using AuthCache.Hosting;

namespace AuthCache.ApiHost.Hosting;

public static class EmbeddedSiloExtensions
{
    /// <summary>
    /// Co-hosts a silo in the API host (<c>Orleans:Mode=Embedded</c>, the default): on localhost clustering one
    /// process runs the whole cache with no external service; with a Redis connection string the API host is
    /// also a member of that cluster.
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheSilo(this WebApplicationBuilder builder, OrleansHostingOptions orleans)
    {
        builder.UseOrleans(silo => silo.UseAuthCacheClustering(orleans).AddAuthCacheGrains());
        return builder;
    }
}
