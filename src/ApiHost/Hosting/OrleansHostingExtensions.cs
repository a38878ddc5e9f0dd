using AuthCache.Hosting;

namespace AuthCache.ApiHost.Hosting;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// The grains' side of the API host, from the <c>Orleans</c> section (validated now: an invalid section stops
    /// the start): an embedded silo by default, or a client of separate silos (<c>Orleans:Mode=Client</c>).
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheOrleans(this WebApplicationBuilder builder)
    {
        var orleans = OrleansHostingOptions.Bind(builder.Configuration);
        builder.ConfigureShutdownTimeout();
        return orleans.Mode == OrleansMode.Client
            ? builder.AddAuthCacheClusterClient(orleans)
            : builder.AddAuthCacheSilo(orleans);
    }
}
