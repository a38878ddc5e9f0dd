using AuthCache.AspNetCore.Caching;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>What an <see cref="AuthCacheTokenHandler"/> needs from the application's services.</summary>
internal sealed class AuthCacheBearerServices(
    IHttpContextAccessor httpContext,
    IServiceScopeFactory scopes,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
    FailedAuthenticationLimiter limiter)
{
    public DateTimeOffset Now => clock.UtcNow;

    public AuthCacheMetrics Metrics => metrics;

    /// <summary>
    /// Through the current request's resolver (its request cache), or a scope of its own outside a request.
    /// </summary>
    public async ValueTask<TokenResolution> ResolveAsync(string token, bool direct)
    {
        if (httpContext.HttpContext?.RequestServices is { } requestServices)
        {
            return await Resolve(requestServices.GetRequiredService<AuthCacheTokenResolver>(), token, direct);
        }

        await using var scope = scopes.CreateAsyncScope();
        return await Resolve(scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>(), token, direct);
    }

    /// <summary>
    /// A token the scheme's own rules refused counts against the request's client address, as the resolver's refusals
    /// do.
    /// </summary>
    public void RecordRefusal(string? reason)
    {
        if (httpContext.HttpContext is { } context)
        {
            limiter.RecordRefusal(context.Connection.RemoteIpAddress, reason);
        }
    }

    private static ValueTask<TokenResolution> Resolve(AuthCacheTokenResolver resolver, string token, bool direct) =>
        direct ? resolver.ResolveDirectAsync(token) : resolver.ResolveAsync(token);
}
