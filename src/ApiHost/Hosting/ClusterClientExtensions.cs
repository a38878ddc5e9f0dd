using AuthCache.AspNetCore.Health;
using AuthCache.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthCache.ApiHost.Hosting;

public static class ClusterClientExtensions
{
    /// <summary>
    /// Connects to separate silos as an Orleans client (<c>Orleans:Mode=Client</c>). The grains live on the
    /// silos only; this host keeps the AuthCache services for its request cache and for validating tokens
    /// itself when the cluster does not answer.
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheClusterClient(this WebApplicationBuilder builder, OrleansHostingOptions orleans)
    {
        builder.UseAuthCacheClusterClient(orleans);

        // A client host still authenticates without the cluster, so losing the cluster degrades it but keeps it
        // ready: taking every API host out of the load balancer would turn a cache outage into an API outage.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name is AuthCacheHealthChecks.ClusterCheckName or AuthCacheHealthChecks.JwksCheckName))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });
        return builder;
    }
}
