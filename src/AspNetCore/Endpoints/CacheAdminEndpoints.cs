using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Health;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Endpoints;

public static class CacheAdminEndpoints
{
    /// <summary>
    /// <c>/api/v1/cache/stats</c> (admin), <c>/api/v1/cache/health</c> (anonymous status; details for admins),
    /// <c>/api/v1/cache/demo/request-cache</c> (any authenticated caller), and the Kubernetes probes
    /// <c>/health/live</c> and <c>/health/ready</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapCacheAdmin(this IEndpointRouteBuilder endpoints)
    {
        var cache = endpoints.MapGroup("/api/v1/cache").WithTags("AuthCache");

        cache.MapGet("/stats", GetStatsAsync).RequireAuthorization(AuthCacheDefaults.AdminPolicy);
        cache.MapGet("/health", GetHealthAsync).AllowAnonymous();
        cache.MapGet("/demo/request-cache", DemoRequestCacheAsync).RequireAuthorization();

        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteStatusOnly });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(AuthCacheHealthChecks.ReadyTag), ResponseWriter = HealthResponseWriter.WriteStatusOnly });
        return endpoints;
    }

    private static async Task<IResult> GetStatsAsync(AuthCacheMetrics metrics, IGrainFactory grains, IOptionsMonitor<AuthCacheOptions> options)
    {
        var counters = metrics.Snapshot();
        var lookups = counters.TokenCacheHits + counters.TokenCacheMisses;
        var jwks = await Task.WhenAll(options.CurrentValue.Issuers.Select(i => grains.GetGrain<IJwksGrain>(i.Issuer).GetStatusAsync()));
        return Results.Ok(new CacheStatsResponse(
            Scope: "process",
            new TokenCacheStats(
                counters.TokenCacheHits,
                counters.TokenCacheMisses,
                lookups == 0 ? 0 : (double)counters.TokenCacheHits / lookups,
                counters.ActiveEntries,
                counters.Validations,
                options.CurrentValue.MaxCachedTokens,
                counters.UncachedBecauseFull),
            new UserProfileCacheStats(counters.ProfileCacheHits, counters.ProfileFetches),
            new RequestCacheStats(counters.RequestCacheHits),
            counters.Fallbacks,
            jwks));
    }

    private static async Task GetHealthAsync(HttpContext context, HealthCheckService health, IAuthorizationService authorization)
    {
        var report = await health.CheckHealthAsync(context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var admin = await IsAdminAsync(context, authorization);
        await (admin ? HealthResponseWriter.WriteDetails(context, report) : HealthResponseWriter.WriteStatusOnly(context, report));
    }

    private static async Task<bool> IsAdminAsync(HttpContext context, IAuthorizationService authorization)
    {
        var adminKey = await context.AuthenticateAsync(AuthCacheDefaults.AdminKeyScheme);
        var user = adminKey.Succeeded ? adminKey.Principal : context.User;
        return (await authorization.AuthorizeAsync(user, AuthCacheDefaults.AdminPolicy)).Succeeded;
    }

    /// <summary>Resolves the caller's token several times, as a handler, a policy and endpoint code would.</summary>
    private static async Task<IResult> DemoRequestCacheAsync(HttpContext context, AuthCacheTokenResolver resolver)
    {
        var token = Authentication.BearerToken.From(context.Request);
        if (token is null)
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
