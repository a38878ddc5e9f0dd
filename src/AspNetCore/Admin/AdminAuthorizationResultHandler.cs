using AuthCache.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Applies to every route under the admin policy, so no admin endpoint can leave it out: a state-changing request
/// that another website made a browser send (<see cref="CrossSiteRequest"/>) is refused with 403 and a reason code,
/// whatever credentials it carries; a refused request (401, 403, dashboard included) is written to the audit log.
/// Everything else, and every other route, is answered by the handler it decorates (the application's, or ASP.NET
/// Core's default).
/// </summary>
internal sealed class AdminAuthorizationResultHandler(AdminAuditLog audit, IAuthorizationMiddlewareResultHandler inner)
    : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(
        RequestDelegate next,
        HttpContext context,
        AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult)
    {
        if (!policy.Requirements.OfType<AdminRequirement>().Any())
        {
            return inner.HandleAsync(next, context, policy, authorizeResult);
        }

        if (CrossSiteRequest.RefusalReason(context.Request) is { } reason)
        {
            audit.Denied(context, reason);
            return ReasonProblem
                .Create(
                    StatusCodes.Status403Forbidden,
                    reason,
                    "Admin requests that change state are refused when a browser sends them on behalf of another "
                        + "website; send them from a script or a terminal with the X-Admin-Key header or an admin "
                        + "bearer token.")
                .ExecuteAsync(context);
        }

        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            audit.Denied(context, authorizeResult.Forbidden ? AdminAuditLog.Forbidden : AdminAuditLog.Unauthenticated);
        }

        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>
    /// Admin routes are only safe with this handler deciding them: a result handler registered after
    /// <c>AddAuthCacheAdmin()</c> would replace it.
    /// </summary>
    public static void RequireRegistered(IServiceProvider services)
    {
        if (services.GetService<IAuthorizationMiddlewareResultHandler>() is not AdminAuthorizationResultHandler)
        {
            throw new InvalidOperationException(
                "The AuthCache admin routes need AddAuthCacheAdmin() to decorate the authorization result handler: "
                    + "register your own IAuthorizationMiddlewareResultHandler before calling AddAuthCacheAdmin().");
        }
    }
}
