using AuthCache.ApiHost.Hosting;
using AuthCache.AspNetCore.Caching;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace AuthCache.ApiHost.Endpoints;

public static class CurrentUserEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/me</c>: the caller's claims and profile through the cache; <c>GET /api/v1/direct/me</c>: the
    /// same through the direct scheme, for comparison; <c>GET /api/v1/cache/demo/request-cache</c>: the caller's token
    /// resolved several times in one request, as a handler, a policy and endpoint code would.
    /// </summary>
    public static IEndpointRouteBuilder MapCurrentUser(this IEndpointRouteBuilder endpoints)
    {
        endpoints
            .MapGet("/api/v1/me", (HttpContext context, AuthCacheTokenResolver resolver) =>
                DescribeAsync(context, JwtBearerDefaults.AuthenticationScheme, resolver.ResolveAsync))
            .RequireAuthorization();
        endpoints
            .MapGet("/api/v1/direct/me", (HttpContext context, AuthCacheTokenResolver resolver) =>
                DescribeAsync(context, ApiHostAuthentication.DirectScheme, resolver.ResolveDirectAsync))
            .RequireAuthorization(
                new AuthorizeAttribute { AuthenticationSchemes = ApiHostAuthentication.DirectScheme });
        endpoints.MapGet("/api/v1/cache/demo/request-cache", DemoRequestCacheAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> DescribeAsync(
        HttpContext context,
        string scheme,
        Func<string, ValueTask<TokenResolution>> resolve)
    {
        // The scheme has already resolved this token in this request, so this is a request-cache hit, not a second
        // grain call.
        if (await context.GetTokenAsync(scheme, "access_token") is not { } token)
        {
            return Results.Unauthorized();
        }

        var resolution = await resolve(token);
        var result = resolution.Outcome;
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

    private static async Task<IResult> DemoRequestCacheAsync(HttpContext context, AuthCacheTokenResolver resolver)
    {
        if (await context.GetTokenAsync("access_token") is not { } token)
        {
            return Results.Unauthorized();
        }

        const int repeats = 5;
        for (var i = 0; i < repeats; i++)
        {
            await resolver.ResolveAsync(token);
        }

        var cache = resolver.RequestCache;
        return Results.Ok(new
        {
            resolutions = cache.Lookups,
            requestCacheHits = cache.Hits,
            clusterCalls = cache.Resolutions,
        });
    }
}
