namespace AuthCache.AspNetCore.Admin;

/// <summary>Who may use the admin endpoints, bound from <c>AuthCache:Admin</c>.</summary>
public sealed class AuthCacheAdminOptions
{
    public const string SectionName = "AuthCache:Admin";

    /// <summary>Value of the <c>X-Admin-Key</c> header that grants admin access. Unset: no key is accepted.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A validated token whose <see cref="RoleClaim"/> holds this value is an admin too.</summary>
    public string Role { get; set; } = "admin";

    public string RoleClaim { get; set; } = "role";
}
