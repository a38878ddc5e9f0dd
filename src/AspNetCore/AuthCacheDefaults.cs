namespace AuthCache.AspNetCore;

/// <summary>
/// The names AuthCache registers under, for an application that refers to them: the admin scheme, policy and header,
/// and the health checks.
/// </summary>
public static class AuthCacheDefaults
{
    /// <summary>Authenticates the <c>X-Admin-Key</c> header for the admin policy.</summary>
    public const string AdminKeyScheme = "AuthCacheAdminKey";

    /// <summary>
    /// The authorization policy of the admin endpoints: <c>RequireAuthorization(AuthCacheDefaults.AdminPolicy)</c>
    /// protects an application's own admin routes the same way. Registered by <c>AddAuthCacheAdmin()</c>.
    /// </summary>
    public const string AdminPolicy = "AuthCacheAdmin";

    /// <summary>The request header that carries the admin key (<c>AuthCache:Admin:ApiKey</c>).</summary>
    public const string AdminKeyHeader = "X-Admin-Key";

    /// <summary>The tag of the health checks that readiness runs (<c>/health/ready</c>).</summary>
    public const string HealthReadyTag = "ready";

    /// <summary>
    /// The health check that the Orleans cluster answers and has an active silo (tagged <see cref="HealthReadyTag"/>).
    /// </summary>
    public const string ClusterHealthCheckName = "orleans-cluster";

    /// <summary>The health check of every issuer's signing keys (tagged <see cref="HealthReadyTag"/>).</summary>
    public const string JwksHealthCheckName = "jwks";
}
