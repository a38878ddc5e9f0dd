namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Resolves a bearer token for the current request, as the JwtBearer schemes that use AuthCache do: the request's
/// cache first, then the cluster's cache (or, for the direct scheme, a validation in this process). Every answer is
/// checked against this process's copy of the revocations. Scoped: what one request resolved, the rest of that
/// request gets again from <see cref="RequestCache"/> without a second grain call.
/// </summary>
public abstract class AuthCacheTokenResolver
{
    private protected AuthCacheTokenResolver()
    {
    }

    /// <summary>The tokens this request resolved so far, and how often it asked.</summary>
    public abstract RequestAuthCache RequestCache { get; }

    /// <summary>Through the cluster's cache.</summary>
    public abstract ValueTask<TokenResolution> ResolveAsync(string token);

    /// <summary>Validated in this process, nothing cached but the keys (the direct scheme).</summary>
    public abstract ValueTask<TokenResolution> ResolveDirectAsync(string token);
}
