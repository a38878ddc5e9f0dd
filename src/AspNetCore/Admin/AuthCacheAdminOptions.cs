using AuthCache.Core.Options;

namespace AuthCache.AspNetCore.Admin;

/// <summary>Who may use the admin endpoints, bound from <c>AuthCache:Admin</c>.</summary>
public sealed class AuthCacheAdminOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "AuthCache:Admin";

    /// <summary>Value of the <c>X-Admin-Key</c> header that grants admin access. Unset: no key is accepted.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A validated token whose <see cref="RoleClaim"/> holds this value is an admin too, when it comes from one of
    /// <see cref="Issuers"/>. Unset (the default): no token is an admin.
    /// </summary>
    public string? Role { get; set; }

    /// <summary>
    /// The claim of a validated token that carries <see cref="Role"/> (default <c>role</c>); also matched under the
    /// name JwtBearer maps it to.
    /// </summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>
    /// The issuers whose tokens may be admins. Required with <see cref="Role"/> when more than one issuer is
    /// trusted; with exactly one, empty means that one.
    /// </summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>The issuers whose admin-role tokens count: <see cref="Issuers"/>, or the only trusted issuer.</summary>
    internal IReadOnlyList<string> AdminTokenIssuers(AuthCacheOptions cache) =>
        Issuers.Count > 0 ? Issuers : cache.Issuers.Count == 1 ? [cache.Issuers[0].Issuer] : [];
}
