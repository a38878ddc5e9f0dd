using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AuthCache.AspNetCore;

/// <summary>The routes AuthCache offers a host, each mapped by a call of its own.</summary>
public static class AuthCacheEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The admin routes under <paramref name="prefix"/> (<c>/api/v1/cache</c> by default): <c>GET stats</c>,
    /// <c>POST cleanup</c> and <c>POST jwks/refresh</c> (admin policy), and <c>GET health</c> (anonymous status;
    /// details for admins). Returns their group, so the application can add its own conventions. The probes
    /// (<see cref="MapAuthCacheHealthChecks"/>) and the revoke endpoint (<see cref="MapCacheRevocation"/>) are
    /// mapped by calls of their own. Needs <c>AddAuthentication().AddAuthCacheAdmin()</c>.
    /// </summary>
    public static RouteGroupBuilder MapCacheAdmin(
        this IEndpointRouteBuilder endpoints,
        string prefix = CacheAdminEndpoints.DefaultPrefix) => CacheAdminEndpoints.Map(endpoints, prefix);

    /// <summary>
    /// <c>POST {prefix}/revoke</c> (<c>/api/v1/cache/revoke</c> by default; admin policy) with exactly one of
    /// <c>sid</c>, <c>sub</c> or <c>tokenHash</c> in the query string or a form body. 200 once every active silo and
    /// every subscribed API host applied it, 202 when some have not confirmed yet (named in the answer; they catch up
    /// within seconds, and a host stops answering from its copies meanwhile), 400/413/415 with a reason code for bad
    /// input, 503 when the cluster could not record or persist it.
    /// </summary>
    public static RouteHandlerBuilder MapCacheRevocation(
        this IEndpointRouteBuilder endpoints,
        string prefix = CacheAdminEndpoints.DefaultPrefix) => CacheRevocationEndpoints.Map(endpoints, prefix);

    /// <summary>
    /// <c>POST {pattern}</c> (<c>/api/v1/webhooks/clerk</c> by default): anonymous, but only a delivery signed with
    /// the configured Svix secret (<see cref="ClerkWebhookOptions"/>), timestamped within 5 minutes and not seen before
    /// is acted on. Session and user-deletion events revoke through the same path as the admin endpoint; user updates
    /// and deletions evict the user's cached profile across the cluster; other events are acknowledged and ignored.
    /// </summary>
    public static RouteHandlerBuilder MapClerkWebhooks(
        this IEndpointRouteBuilder endpoints,
        string pattern = ClerkWebhookEndpoints.Route) => ClerkWebhookEndpoints.Map(endpoints, pattern);

    /// <summary>
    /// The Kubernetes probes under <paramref name="prefix"/>: <c>live</c> (the process answers; no dependency is
    /// checked) and <c>ready</c> (the AuthCache checks tagged <see cref="AuthCacheDefaults.HealthReadyTag"/>), both
    /// anonymous and answering the status alone.
    /// </summary>
    public static IEndpointRouteBuilder MapAuthCacheHealthChecks(
        this IEndpointRouteBuilder endpoints,
        string prefix = AuthCacheHealthEndpoints.DefaultPrefix) => AuthCacheHealthEndpoints.Map(endpoints, prefix);

    /// <summary>
    /// The Orleans Dashboard of this host's silo at <paramref name="routePrefix"/>, behind the admin policy
    /// (<c>X-Admin-Key</c>, HTTP Basic with the admin key as password, or an admin token); an anonymous
    /// browser gets a Basic challenge. It is the one place Basic credentials count, and it only reads (GET and
    /// HEAD). Opening the dashboard is audited. Nothing is mapped when <c>AuthCache:Dashboard:Enabled</c> is false.
    /// Needs a silo with the dashboard (<c>AddAuthCacheGrains</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapAuthCacheDashboard(
        this IEndpointRouteBuilder endpoints,
        string routePrefix = AuthCacheDashboardEndpoints.DefaultRoutePrefix
    ) => AuthCacheDashboardEndpoints.Map(endpoints, routePrefix);
}
