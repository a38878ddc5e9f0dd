namespace AuthCache.AspNetCore;

public static class AuthCacheDefaults
{
    /// <summary>Authenticates the <c>X-Admin-Key</c> header for the admin policy.</summary>
    public const string AdminKeyScheme = "AuthCacheAdminKey";

    public const string AdminPolicy = "AuthCacheAdmin";

    public const string AdminKeyHeader = "X-Admin-Key";

    /// <summary>The tag of the health checks that readiness runs (<c>/health/ready</c>).</summary>
    public const string HealthReadyTag = "ready";

    /// <summary>The health check that the Orleans cluster answers and has an active silo (tagged <see cref="HealthReadyTag"/>).</summary>
    public const string ClusterHealthCheckName = "orleans-cluster";

    /// <summary>The health check of every issuer's signing keys (tagged <see cref="HealthReadyTag"/>).</summary>
    public const string JwksHealthCheckName = "jwks";
}
