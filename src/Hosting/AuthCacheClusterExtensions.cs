using AuthCache.AspNetCore.Authentication;
using AuthCache.Grains;
using AuthCache.Hosting.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuthCache.Hosting;

/// <summary>
/// How a process joins the AuthCache Orleans cluster, read from the <c>Orleans</c> section (validated at once: an
/// invalid section stops the start with every problem listed). Both calls also set the graceful shutdown budget
/// (<c>HostOptions:ShutdownTimeout</c>, 120 s).
/// </summary>
public static class AuthCacheClusterExtensions
{
    /// <summary>
    /// The grains' side of an API host, by <c>Orleans:Mode</c>:
    /// <list type="bullet">
    /// <item><c>Embedded</c> (the default): co-hosts a silo with the AuthCache grains, on localhost clustering or,
    /// with <c>Orleans:Redis:ConnectionString</c>, as a member of that Redis cluster.</item>
    /// <item><c>Client</c>: an Orleans client of separate silos found in the Redis membership table. It connects in
    /// the background and retries for as long as the host runs; until then, and whenever the cluster is lost, tokens
    /// are validated in this host and readiness says <c>Degraded</c> instead of failing.</item>
    /// <item><c>External</c>: the application registered its own <see cref="IClusterClient"/> before this call.</item>
    /// </list>
    /// </summary>
    /// <param name="builder">The API host's builder, whose configuration holds the <c>Orleans</c> section.</param>
    /// <param name="configureSilo">Embedded mode only: more silo configuration, such as the application's own
    /// grains.</param>
    public static TBuilder AddAuthCacheCluster<TBuilder>(
        this TBuilder builder,
        Action<ISiloBuilder>? configureSilo = null)
        where TBuilder : IHostApplicationBuilder
    {
        var orleans = OrleansHostingOptions.Bind(builder.Configuration);
        var tls = TransportSecurity.IsEnabled(builder, orleans);
        builder.ConfigureShutdownTimeout();

        // Also here, so a scheme that calls UseAuthCache() in an application that forgot AddAuthCache() stops the
        // start.
        builder.Services.AddHostedService<AuthCacheSchemeCheck>();
        switch (orleans.Mode)
        {
            case OrleansMode.Client:
                builder.UseAuthCacheClusterClient(orleans, tls);
                ClusterClientReadiness.KeepReadyWithoutCluster(builder.Services);
                break;
            case OrleansMode.External when !builder.Services.Any(d => d.ServiceType == typeof(IClusterClient)):
                throw new InvalidOperationException(
                    "Orleans:Mode is External but no Orleans client (IClusterClient) is registered before "
                        + "AddAuthCacheCluster.");
            case OrleansMode.External:
                break;
            default:
                builder.UseOrleans(silo => Configure(silo, orleans, tls, configureSilo));
                break;
        }

        return builder;
    }

    /// <summary>
    /// A standalone silo with the AuthCache grains: Redis membership, reminders and grain storage when
    /// <c>Orleans:Redis:ConnectionString</c> is set, localhost clustering with in-memory reminders and storage
    /// otherwise (<c>Orleans:PrimarySiloPort</c> joins another local silo). <c>Orleans:Mode</c> does not apply.
    /// </summary>
    /// <param name="builder">The silo host's builder, whose configuration holds the <c>Orleans</c> section.</param>
    /// <param name="configureSilo">More silo configuration, such as the application's own grains.</param>
    public static TBuilder AddAuthCacheSilo<TBuilder>(this TBuilder builder, Action<ISiloBuilder>? configureSilo = null)
        where TBuilder : IHostApplicationBuilder
    {
        var orleans = OrleansHostingOptions.Bind(builder.Configuration);
        var tls = TransportSecurity.IsEnabled(builder, orleans);
        builder.UseOrleans(silo => Configure(silo, orleans, tls, configureSilo));
        builder.ConfigureShutdownTimeout();
        return builder;
    }

    /// <summary>
    /// Whether <see cref="AddAuthCacheCluster{TBuilder}"/> co-hosts a silo here (and so the host can serve the Orleans
    /// Dashboard).
    /// </summary>
    public static bool RunsSilo(this IConfiguration configuration) =>
        OrleansHostingOptions.Bind(configuration).Mode == OrleansMode.Embedded;

    private static void Configure(
        ISiloBuilder silo,
        OrleansHostingOptions orleans,
        bool tls,
        Action<ISiloBuilder>? configureSilo)
    {
        silo.UseAuthCacheClustering(orleans).AddAuthCacheGrains().AddAuthCacheSiloOnlyCalls();
        if (tls)
        {
            silo.UseAuthCacheTls(orleans.Tls);
        }

        configureSilo?.Invoke(silo);
    }
}
