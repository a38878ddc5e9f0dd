using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching;
using Microsoft.AspNetCore.Authorization;

namespace AuthCache.ApiHost.Endpoints;

public static class CurrentUserEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/me</c>: the caller's claims and profile through the cache; <c>GET /api/v1/legacy/me</c>:
    /// the same through the direct scheme, for comparison.
    /// </summary>
    public static IEndpointRouteBuilder MapCurrentUser(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/me", (HttpContext context, AuthCacheTokenResolver resolver) => DescribeAsync(context, resolver.ResolveAsync))
            .RequireAuthorization();
        endpoints.MapGet("/api/v1/legacy/me", (HttpContext context, AuthCacheTokenResolver resolver) => DescribeAsync(context, resolver.ResolveDirectAsync))
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthCacheDefaults.DirectAuthenticationScheme });
        return endpoints;
    }

    private static async Task<IResult> DescribeAsync(HttpContext context, Func<string, ValueTask<TokenResolution>> resolve)
    {
        // The handler has already resolved this token, so this is a request-cache hit, not a second grain call.
        var token = BearerToken.From(context.Request);
        if (token is null)
        {
            return Results.Unauthorized();
        }

        var resolution = await resolve(token);
        var result = resolution.Result;
        return Results.Ok(new
        {
            subject = result.Subject,
            issuer = result.Issuer,
            claims = result.Claims.Select(c => new { type = c.Type, value = c.Value }),
            profile = result.Profile,
            fromCache = result.FromCache,
            source = resolution.Source.ToString(),
            expiresAt = result.ExpiresAt,
            cachedUntil = result.CachedUntil,
        });
    }
}
