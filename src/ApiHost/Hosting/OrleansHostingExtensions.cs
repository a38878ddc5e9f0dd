using AuthCache.Hosting;

namespace AuthCache.ApiHost.Hosting;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// The grains' side of the API host, from the <c>Orleans</c> section (validated now: an invalid section stops
    /// the start): an embedded silo by default, a client of separate silos (<c>Orleans:Mode=Client</c>), or the
    /// Orleans client the application registered itself (<c>Orleans:Mode=External</c>).
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheOrleans(this WebApplicationBuilder builder)
    {
        var orleans = OrleansHostingOptions.Bind(builder.Configuration);
        builder.ConfigureShutdownTimeout();
        return orleans.Mode switch
        {
            OrleansMode.Client => builder.AddAuthCacheClusterClient(orleans),
            OrleansMode.External when builder.Services.Any(d => d.ServiceType == typeof(IClusterClient)) => builder,
            OrleansMode.External => throw new InvalidOperationException("Orleans:Mode is External but no Orleans client (IClusterClient) is registered before AddApiHost."),
            _ => builder.AddAuthCacheSilo(orleans),
        };
    }

    /// <summary>Whether this host runs a silo (and so can serve the Orleans Dashboard).</summary>
    public static bool RunsSilo(this IConfiguration configuration) =>
        OrleansHostingOptions.Bind(configuration).Mode == OrleansMode.Embedded;
}
