namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// How one JwtBearer scheme uses AuthCache (<see cref="AuthCacheJwtBearerExtensions.UseAuthCache"/>).
/// </summary>
public sealed class AuthCacheBearerOptions
{
    /// <summary>
    /// Validate every token in this process with AuthCache's rules, the keys it mirrors from the cluster and its copy
    /// of the revocations, caching nothing but the keys (the direct scheme). Default: through the cluster's cache.
    /// </summary>
    public bool ValidateInProcess { get; set; }

    /// <summary>
    /// Also read the token from Clerk's <c>__session</c> cookie when the request carries no <c>Authorization</c>
    /// header. Off by default: a cookie travels with requests other websites make a browser send, so it is read only
    /// for requests the browser marks as same-origin (or that carry no browser fetch metadata) and whose
    /// <c>Origin</c>, when present, is the API's own.
    /// </summary>
    public bool ReadClerkSessionCookie { get; set; }
}
