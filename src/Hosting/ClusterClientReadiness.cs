using AuthCache.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthCache.Hosting;

internal static class ClusterClientReadiness
{
    /// <summary>
    /// A client host still authenticates without the cluster, so losing the cluster degrades it but keeps it ready:
    /// taking every API host out of the load balancer would turn a cache outage into an API outage.
    /// </summary>
    public static void KeepReadyWithoutCluster(IServiceCollection services) =>
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r =>
                    r.Name is AuthCacheDefaults.ClusterHealthCheckName or AuthCacheDefaults.JwksHealthCheckName))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });
}
