using Orleans;

namespace AuthCache.ApiHost.Hosting;

public static class OrleansHostingExtensions
{
    /// <summary>Orleans as <c>Orleans:Mode</c> says: an embedded silo (default), a client of silo hosts, or the application's own client.</summary>
    public static WebApplicationBuilder AddAuthCacheOrleans(this WebApplicationBuilder builder)
    {
        var orleans = OrleansHostingOptions.From(builder.Configuration);
        return orleans.Mode switch
        {
            OrleansHostingMode.Embedded => builder.AddAuthCacheSilo(orleans),
            OrleansHostingMode.Client => builder.AddAuthCacheClient(orleans),
            _ when builder.Services.Any(d => d.ServiceType == typeof(IClusterClient)) => builder,
            _ => throw new InvalidOperationException("Orleans:Mode is External but no Orleans client (IClusterClient) is registered before AddApiHost."),
        };
    }

    /// <summary>Whether this host runs a silo (and so can serve the Orleans Dashboard).</summary>
    public static bool RunsSilo(this IConfiguration configuration) =>
        OrleansHostingOptions.From(configuration).Mode == OrleansHostingMode.Embedded;
}
