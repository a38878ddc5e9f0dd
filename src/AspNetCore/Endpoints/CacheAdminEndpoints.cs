using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Health;
using AuthCache.AspNetCore.Statistics;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Endpoints;

internal static class CacheAdminEndpoints
{
    // Above the admin grain's per-silo timeouts (10 s for stats, 25 s for a cleanup), so a slow silo shows up as
    // unreachable rather than as a 503.
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    // A key fetch gives up after AuthCache:JwksFetchTimeout (at most 15 s) including retries and body; retiring the
    // keys it no longer finds waits up to 10 s more for the silos and API hosts; both under Orleans' 30 s response
    // timeout.
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(25);

    private const int MaxEchoedLength = 200;

    public const string DefaultPrefix = "/api/v1/cache";

    /// <summary>
    /// The admin routes under <paramref name="prefix"/>; see
    /// <see cref="AuthCacheEndpointRouteBuilderExtensions.MapCacheAdmin"/>.
    /// </summary>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        AdminAuthorizationResultHandler.RequireRegistered(endpoints.ServiceProvider);
        var cache = endpoints.MapGroup(prefix).WithTags("AuthCache");

        cache.MapGet("/stats", GetStatsAsync)
            .RequireAuthorization(AuthCacheDefaults.AdminPolicy)
            .WithName("AuthCacheStats")
            .WithSummary(
                "Cluster-wide cache statistics: token and profile caches, request and near caches of every API host, "
                    + "signing keys per issuer.")
            .Produces<CacheStatsResponse>()
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .Produces<AdminError>(StatusCodes.Status503ServiceUnavailable);
        cache.MapPost("/cleanup", CleanupAsync)
            .RequireAuthorization(AuthCacheDefaults.AdminPolicy)
            .WithName("AuthCacheCleanup")
            .WithSummary(
                "Drops expired cached validations and profiles on every silo and the API hosts' copies; ?scope=all "
                    + "clears everything cached.")
            .Produces<CacheCleanupResponse>()
            .Produces<AdminError>(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<AdminError>(StatusCodes.Status503ServiceUnavailable);
        cache.MapPost("/jwks/refresh", RefreshJwksAsync)
            .RequireAuthorization(AuthCacheDefaults.AdminPolicy)
            .WithName("AuthCacheJwksRefresh")
            .WithSummary(
                "Fetches the signing keys of every issuer (or ?issuer=) now and retires across the cluster the keys "
                    + "an issuer no longer lists.")
            .Produces<JwksRefreshResponse>()
            .Produces<JwksRefreshResponse>(StatusCodes.Status202Accepted)
            .Produces<AdminError>(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<JwksRefreshResponse>(StatusCodes.Status502BadGateway);
        cache.MapGet("/health", GetHealthAsync)
            .AllowAnonymous()
            .WithName("AuthCacheHealth")
            .WithSummary("Health of the cache: the status for anyone, each check's details for admins.")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status503ServiceUnavailable);
        return cache;
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
            var jwks = Task.WhenAll(
                options.CurrentValue.Issuers.Select(i => grains.GetGrain<IJwksGrain>(i.Issuer).GetStatusAsync()));
            await Task.WhenAll(cluster, hosts, jwks).WaitAsync(ClusterTimeout, context.RequestAborted);

            var response = CacheStatsResponse.Create(cluster.Result, hosts.Result, jwks.Result, time.GetUtcNow());
            audit.Performed(context, action, response.Cluster.UnreachableSilos.Count == 0 ? "success" : "partial");
            return Results.Ok(response);
        }
        catch (Exception ex)
            when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            audit.Performed(context, action, "failed", ex.GetType().Name);
            return ClusterUnavailable(context);
        }
    }

    /// <summary>Drops expired entries now, or with <c>?scope=all</c> every cached validation and profile.</summary>
    private static async Task<IResult> CleanupAsync(
        HttpContext context,
        string? scope,
        IGrainFactory grains,
        AdminAuditLog audit)
    {
        const string action = "cache.cleanup";
        if (!TryParseScope(scope, out var parsed))
        {
            audit.Performed(context, action, "rejected", "invalid_scope");
            return Results.BadRequest(
                new AdminError("invalid_scope", "scope must be 'expired' (the default) or 'all'."));
        }

        try
        {
            var result = await grains
                .GetGrain<ICacheAdminGrain>(0)
                .CleanupAsync(parsed)
                .WaitAsync(CleanupTimeout, context.RequestAborted);
            var response = new CacheCleanupResponse(
                ScopeName(result.Scope),
                result.TokensRemoved,
                result.ProfilesRemoved,
                result.Silos,
                result.UnreachableSilos,
                result.Hosts,
                result.UnconfirmedHosts);
            audit.Performed(
                context,
                action,
                result.UnreachableSilos.Count + result.UnconfirmedHosts.Count == 0 ? "success" : "partial",
                $"scope={response.Scope} tokens={response.TokensRemoved} profiles={response.ProfilesRemoved} "
                    + $"silos={response.Silos} hosts={response.ApiHosts}");
            return Results.Ok(response);
        }
        catch (Exception ex)
            when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            audit.Performed(context, action, "failed", ex.GetType().Name);
            return ClusterUnavailable(context);
        }
    }

    /// <summary>
    /// Fetches the keys of one issuer (<c>?issuer=</c>) or of all now, and retires across the cluster the keys an
    /// issuer no longer lists; 502 when a fetch failed, 202 when some silo or API host did not confirm a retirement.
    /// </summary>
    private static async Task<IResult> RefreshJwksAsync(
        HttpContext context,
        string? issuer,
        IGrainFactory grains,
        IOptionsMonitor<AuthCacheOptions> options,
        AdminAuditLog audit)
    {
        const string action = "jwks.refresh";
        var settings = options.CurrentValue;
        if (issuer is not null && settings.FindIssuer(issuer) is null)
        {
            audit.Performed(context, action, "rejected", "unknown_issuer");
            return Results.BadRequest(
                new AdminError(
                    "unknown_issuer",
                    $"'{Truncate(issuer)}' is not a configured issuer (AuthCache:Issuers)."));
        }

        var issuers = issuer is not null ? [issuer] : settings.Issuers.Select(i => i.Issuer).ToArray();
        var refreshed = await Task.WhenAll(issuers.Select(i => ForceRefreshAsync(grains, i)));
        var failed = refreshed.Where(r => !r.Refreshed).Select(r => r.Issuer).ToArray();
        audit.Performed(
            context,
            action,
            failed.Length == 0 ? "success" : "failed",
            failed.Length == 0
                ? $"issuers={refreshed.Length}"
                : $"issuers={refreshed.Length} failed={string.Join(',', failed)}");
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
            return new IssuerRefresh(
                issuer,
                false,
                [],
                null,
                $"the cluster did not answer ({ex.GetType().Name})",
                [],
                0,
                false);
        }
    }

    private static async Task GetHealthAsync(
        HttpContext context,
        HealthCheckService health,
        IAuthorizationService authorization)
    {
        var report = await health.CheckHealthAsync(context.RequestAborted);
        context.Response.StatusCode =
            report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var admin = await IsAdminAsync(context, authorization);
        await (
            admin
                ? HealthResponseWriter.WriteDetails(context, report)
                : HealthResponseWriter.WriteStatusOnly(context, report));
    }

    private static async Task<bool> IsAdminAsync(HttpContext context, IAuthorizationService authorization)
    {
        var adminKey = await context.AuthenticateAsync(AuthCacheDefaults.AdminKeyScheme);
        var user = adminKey.Succeeded ? adminKey.Principal : context.User;
        return (await authorization.AuthorizeAsync(user, AuthCacheDefaults.AdminPolicy)).Succeeded;
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

    private static string Truncate(string value) =>
        value.Length > MaxEchoedLength ? value[..MaxEchoedLength] + "…" : value;
}
