using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Health;
using AuthCache.AspNetCore.Statistics;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Endpoints;

public static class CacheAdminEndpoints
{
    // Above the admin grain's per-silo timeouts (10 s for stats, 25 s for a cleanup), so a slow silo shows up as
    // unreachable rather than as a 503.
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    // A key fetch gives up after 10 s including retries; retiring the keys it no longer finds waits up to 10 s more
    // for the silos and API hosts; both under Orleans' 30 s response timeout.
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(25);

    private const int MaxEchoedLength = 200;

    /// <summary>
    /// Under <c>/api/v1/cache</c>: <c>GET stats</c>, <c>POST cleanup</c> and <c>POST jwks/refresh</c> (admin),
    /// <c>GET health</c> (anonymous status; details for admins), <c>GET demo/request-cache</c> (any
    /// authenticated caller); and the Kubernetes probes <c>/health/live</c> and <c>/health/ready</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapCacheAdmin(this IEndpointRouteBuilder endpoints)
    {
        var cache = endpoints.MapGroup("/api/v1/cache").WithTags("AuthCache");

        cache.MapGet("/stats", GetStatsAsync).RequireAuthorization(AuthCacheDefaults.AdminPolicy);
        cache.MapPost("/cleanup", CleanupAsync).RequireAuthorization(AuthCacheDefaults.AdminPolicy);
        cache.MapPost("/jwks/refresh", RefreshJwksAsync).RequireAuthorization(AuthCacheDefaults.AdminPolicy);
        cache.MapGet("/health", GetHealthAsync).AllowAnonymous();
        cache.MapGet("/demo/request-cache", DemoRequestCacheAsync).RequireAuthorization();

        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteStatusOnly });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(AuthCacheHealthChecks.ReadyTag), ResponseWriter = HealthResponseWriter.WriteStatusOnly });
        return endpoints;
    }

    private static async Task<IResult> GetStatsAsync(
        HttpContext context,
        IGrainFactory grains,
        [FromServices] ApiHostCountersReporter? reporter,
        IOptionsMonitor<AuthCacheOptions> options,
        TimeProvider time,
        AdminAuditLog audit)
    {
        const string action = "cache.stats";
        try
        {
            if (reporter is not null)
            {
                await reporter.ReportAsync().WaitAsync(ClusterTimeout, context.RequestAborted);
            }

            var cluster = grains.GetGrain<ICacheAdminGrain>(0).GetStatisticsAsync();
            var hosts = grains.GetGrain<IApiHostCountersGrain>(0).GetReportsAsync();
            var jwks = Task.WhenAll(options.CurrentValue.Issuers.Select(i => grains.GetGrain<IJwksGrain>(i.Issuer).GetStatusAsync()));
            await Task.WhenAll(cluster, hosts, jwks).WaitAsync(ClusterTimeout, context.RequestAborted);

            var response = CacheStatsResponse.Create(cluster.Result, hosts.Result, jwks.Result, time.GetUtcNow());
            audit.Performed(context, action, response.Cluster.UnreachableSilos.Count == 0 ? "success" : "partial");
            return Results.Ok(response);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            audit.Performed(context, action, "failed", ex.GetType().Name);
            return ClusterUnavailable(context);
        }
    }

    /// <summary>Drops expired entries now, or with <c>?scope=all</c> every cached validation and profile.</summary>
    private static async Task<IResult> CleanupAsync(HttpContext context, string? scope, IGrainFactory grains, AdminAuditLog audit)
    {
        const string action = "cache.cleanup";
        if (!TryParseScope(scope, out var parsed))
        {
            audit.Performed(context, action, "rejected", "invalid_scope");
            return Results.BadRequest(new AdminError("invalid_scope", "scope must be 'expired' (the default) or 'all'."));
        }

        try
        {
            var result = await grains.GetGrain<ICacheAdminGrain>(0).CleanupAsync(parsed).WaitAsync(CleanupTimeout, context.RequestAborted);
            var response = new CacheCleanupResponse(ScopeName(result.Scope), result.TokensRemoved, result.ProfilesRemoved, result.Silos, result.UnreachableSilos, result.Hosts, result.UnconfirmedHosts);
            audit.Performed(
                context,
                action,
                result.UnreachableSilos.Count + result.UnconfirmedHosts.Count == 0 ? "success" : "partial",
                $"scope={response.Scope} tokens={response.TokensRemoved} profiles={response.ProfilesRemoved} silos={response.Silos} hosts={response.ApiHosts}");
            return Results.Ok(response);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            audit.Performed(context, action, "failed", ex.GetType().Name);
            return ClusterUnavailable(context);
        }
    }

    /// <summary>
    /// Fetches the keys of one issuer (<c>?issuer=</c>) or of all now, and retires across the cluster the keys an
    /// issuer no longer lists; 502 when a fetch failed, 202 when some silo or API host did not confirm a retirement.
    /// </summary>
    private static async Task<IResult> RefreshJwksAsync(HttpContext context, string? issuer, IGrainFactory grains, IOptionsMonitor<AuthCacheOptions> options, AdminAuditLog audit)
    {
        const string action = "jwks.refresh";
        var settings = options.CurrentValue;
        if (issuer is not null && settings.FindIssuer(issuer) is null)
        {
            audit.Performed(context, action, "rejected", "unknown_issuer");
            return Results.BadRequest(new AdminError("unknown_issuer", $"'{Truncate(issuer)}' is not a configured issuer (AuthCache:Issuers)."));
        }

        var issuers = issuer is not null ? [issuer] : settings.Issuers.Select(i => i.Issuer).ToArray();
        var refreshed = await Task.WhenAll(issuers.Select(i => ForceRefreshAsync(grains, i)));
        var failed = refreshed.Where(r => !r.Refreshed).Select(r => r.Issuer).ToArray();
        audit.Performed(
            context,
            action,
            failed.Length == 0 ? "success" : "failed",
            failed.Length == 0 ? $"issuers={refreshed.Length}" : $"issuers={refreshed.Length} failed={string.Join(',', failed)}");
        var response = new JwksRefreshResponse(refreshed);
        return failed.Length > 0 ? Results.Json(response, statusCode: StatusCodes.Status502BadGateway)
            : refreshed.All(r => r.RetirementConfirmed) ? Results.Ok(response)
            : Results.Json(response, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IssuerRefresh> ForceRefreshAsync(IGrainFactory grains, string issuer)
    {
        try
        {
            var refresh = await grains.GetGrain<IJwksGrain>(issuer).ForceRefreshAsync().WaitAsync(RefreshTimeout);
            var keys = refresh.Keys;
            return new IssuerRefresh(
                issuer,
                keys.LastError is null,
                keys.Keys.Select(k => k.Kid).ToArray(),
                keys.FetchedAt,
                keys.LastError,
                refresh.RetiredKeyIds,
                refresh.Retirement?.DroppedValidations ?? 0,
                refresh.RetirementConfirmed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new IssuerRefresh(issuer, false, [], null, $"the cluster did not answer ({ex.GetType().Name})", [], 0, false);
        }
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

    private static bool TryParseScope(string? scope, out CacheEvictionScope parsed)
    {
        switch (scope?.ToLowerInvariant())
        {
            case null or "expired":
                parsed = CacheEvictionScope.Expired;
                return true;
            case "all":
                parsed = CacheEvictionScope.All;
                return true;
            default:
                parsed = default;
                return false;
        }
    }

    private static string ScopeName(CacheEvictionScope scope) => scope == CacheEvictionScope.All ? "all" : "expired";

    private static IResult ClusterUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return Results.Json(
            new AdminError("cluster_unavailable", "The Orleans cluster did not answer in time; retry shortly."),
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static string Truncate(string value) => value.Length > MaxEchoedLength ? value[..MaxEchoedLength] + "…" : value;
}
