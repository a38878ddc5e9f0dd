using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.AspNetCore.Health;

internal static class AuthCacheHealthChecks
{
    /// <summary>
    /// Cluster reachability and per-issuer key freshness, both part of readiness. An unreachable cluster reports
    /// each check's registered failure status (Unhealthy unless the host lowers it).
    /// </summary>
    public static IHealthChecksBuilder AddAuthCacheHealthChecks(this IHealthChecksBuilder builder) =>
        builder
            .AddCheck<ClusterHealthCheck>(
                AuthCacheDefaults.ClusterHealthCheckName,
                tags: [AuthCacheDefaults.HealthReadyTag])
            .AddCheck<JwksHealthCheck>(AuthCacheDefaults.JwksHealthCheckName, tags: [AuthCacheDefaults.HealthReadyTag]);
}
