namespace AuthCache.AspNetCore;

public static class AuthCacheDefaults
{
    /// <summary>The cached scheme: tokens resolved through the Orleans cluster.</summary>
    public const string AuthenticationScheme = "AuthCache";

    /// <summary>The direct ("legacy") scheme: every token validated in this process, nothing cached but the keys.</summary>
    public const string DirectAuthenticationScheme = "AuthCacheDirect";

    /// <summary>Authenticates the <c>X-Admin-Key</c> header for the admin policy.</summary>
    public const string AdminKeyScheme = "AuthCacheAdminKey";

    public const string AdminPolicy = "AuthCacheAdmin";

    public const string AdminKeyHeader = "X-Admin-Key";
}
