using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.AspNetCore.Health;

public static class AuthCacheHealthChecks
{
    public const string ReadyTag = "ready";

    /// <summary>Cluster reachability and per-issuer key freshness, both part of readiness.</summary>
    public static IHealthChecksBuilder AddAuthCacheHealthChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<ClusterHealthCheck>("orleans-cluster", tags: [ReadyTag])
        .AddCheck<JwksHealthCheck>("jwks", tags: [ReadyTag]);
}
