using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.AspNetCore.Health;

public static class AuthCacheHealthChecks
{
    public const string ReadyTag = "ready";

    public const string ClusterCheckName = "orleans-cluster";

    public const string JwksCheckName = "jwks";

    /// <summary>
    /// Cluster reachability and per-issuer key freshness, both part of readiness. An unreachable cluster reports
    /// each check's registered failure status (Unhealthy unless the host lowers it).
    /// </summary>
    public static IHealthChecksBuilder AddAuthCacheHealthChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<ClusterHealthCheck>(ClusterCheckName, tags: [ReadyTag])
        .AddCheck<JwksHealthCheck>(JwksCheckName, tags: [ReadyTag]);
}
