namespace AuthCache.AspNetCore;

public static class AuthCacheDefaults
{
    /// <summary>Authenticates the <c>X-Admin-Key</c> header for the admin policy.</summary>
    public const string AdminKeyScheme = "AuthCacheAdminKey";

    public const string AdminPolicy = "AuthCacheAdmin";

    public const string AdminKeyHeader = "X-Admin-Key";
}
